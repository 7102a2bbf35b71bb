"""PyTorch's column of `pnpm bench`: the Node bench's workloads, same sizes, in torch.

Run by bench/src/peers.ts as a child process (Debian's python3-torch, /usr/bin/python3):
it prints one JSON line {"ready": true, ...} and then answers each request line
{"id": "<workload id>"} with {"id": ..., "seconds": <median seconds per call>}
or {"id": ..., "error": "..."}. The timing method is timing.ts's (warm-up for
0.25 s and at least two calls, batches of at least 20 ms, at least 5 batches and 0.25 s, the median).
The thread count is BENCH_TORCH_THREADS (default 2).

Standalone: `/usr/bin/python3 bench/torch_peer.py mlp rnn-cell` prints the
seconds for the ids given.
"""

import json
import os
import sys
import time

import torch

THREADS = int(os.environ.get("BENCH_TORCH_THREADS", "2"))
torch.set_num_threads(THREADS)
torch.manual_seed(0)


def time_it(run, min_time=0.25, warm_up=0.25):
    warm_start = time.perf_counter()
    i = 0
    while i < 2 or time.perf_counter() - warm_start < warm_up:
        run()
        i += 1
    reps = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            run()
        dt = time.perf_counter() - t0
        if dt > 0.02 or reps > 1e6:
            break
        reps *= 2
    samples = []
    start = time.perf_counter()
    while len(samples) < 5 or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        for _ in range(reps):
            run()
        samples.append((time.perf_counter() - t0) / reps)
        if len(samples) >= 25:
            break
    samples.sort()
    return samples[len(samples) // 2]


def matmul(n):
    a, b = torch.randn(n, n), torch.randn(n, n)
    return lambda: torch.mm(a, b)


def elementwise(op):
    a, b = torch.randn(1 << 20), torch.randn(1 << 20)
    return lambda: op(a, b)


DISPATCH_OPS = 10_000


def dispatch(with_grad):
    a = torch.tensor([1.0, 2, 3, 4], requires_grad=with_grad)
    b = torch.tensor([4.0, 3, 2, 1])

    def run():
        for _ in range(DISPATCH_OPS):
            a.add(b)

    return run


def mlp_step():
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(64, 784)
    y = torch.randint(0, 10, (64,))
    loss_fn = torch.nn.CrossEntropyLoss()

    def run():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    return run


def rnn_cell():
    # RNN_CELL in workloads.ts: nn.RNNCell(10, 20), batch 1, 100 steps, backward from the last state's sum.
    cell = torch.nn.RNNCell(10, 20)
    xs = torch.randn(100, 1, 10).unbind(0)
    h0 = torch.zeros(1, 20)

    def run():
        h = h0
        for x in xs:
            h = cell(x, h)
        h.sum().backward()

    return run


def lstm_step():
    V, T, B, H = 50, 20, 16, 64
    embed = torch.nn.Embedding(V, 32)
    lstm = torch.nn.LSTM(32, H, batch_first=True)
    head = torch.nn.Linear(H, V)
    params = [*embed.parameters(), *lstm.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=0.005)
    x = torch.randint(0, V, (B, T))
    y = torch.randint(0, V, (B * T,))

    def run():
        opt.zero_grad()
        out, _ = lstm(embed(x))
        torch.nn.functional.cross_entropy(head(out).reshape(-1, V), y).backward()
        opt.step()

    return run


def attention(as_matmul):
    q, k = torch.randn(8, 8, 128, 64), torch.randn(8, 8, 128, 64)
    if as_matmul:
        return lambda: q.matmul(k.transpose(-1, -2))
    return lambda: torch.einsum("bhqd,bhkd->bhqk", q, k)


WORKLOADS = {
    **{f"matmul-{n}": (lambda n=n: matmul(n)) for n in (64, 128, 256, 512, 1024)},
    "add": lambda: elementwise(torch.add),
    "tanh": lambda: elementwise(lambda a, b: torch.tanh(a)),
    "sum": lambda: elementwise(lambda a, b: torch.sum(a)),
    "dispatch-nograd": lambda: dispatch(False),
    "dispatch-grad": lambda: dispatch(True),
    "attention-einsum": lambda: attention(False),
    "attention-matmul": lambda: attention(True),
    "mlp": mlp_step,
    "rnn-cell": rnn_cell,
    "lstm": lstm_step,
}


def measure(workload_id):
    if workload_id not in WORKLOADS:
        return {"id": workload_id, "error": f"no PyTorch version of workload {workload_id!r}"}
    try:
        return {"id": workload_id, "seconds": time_it(WORKLOADS[workload_id]())}
    except Exception as e:  # a failing workload is reported, never dropped
        return {"id": workload_id, "error": f"{type(e).__name__}: {e}"}


def blas_library():
    """The BLAS library torch's matmul runs on here (Debian's torch links libblas.so.3, whichever the system provides)."""
    torch.mm(torch.randn(64, 64), torch.randn(64, 64))
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if len(line.split()) >= 6}
        blas = sorted(p for p in paths if "blas" in os.path.basename(p).lower())
        return ", ".join(os.path.realpath(p) for p in blas) or "unknown"
    except OSError:
        return "unknown"


def main():
    if len(sys.argv) > 1:
        print(json.dumps([measure(i) for i in sys.argv[1:]]))
        return
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_library()}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if line:
            print(json.dumps(measure(json.loads(line)["id"])), flush=True)


if __name__ == "__main__":
    main()
