# The workloads of bench/ops/graft.mjs in PyTorch (2 threads), forward + backward, float32: one JSON
# line per workload, {name, ms}, timed as graft.mjs times them. Run by bench/ops/run.mjs.
#   /usr/bin/python3 torch.py [name ...]
import json, sys, time
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(2)
torch.manual_seed(0)
B = 32
def rg(*s): return torch.randn(*s, requires_grad=True)

def w_linear():
    m = nn.Linear(512, 512); x = rg(B*4, 512); return m, lambda: m(x).sum().backward()
def w_mlp_relu():
    m = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)); x = torch.randn(64, 784); t = torch.randint(0, 10, (64,))
    return m, lambda: F.cross_entropy(m(x), t).backward()
def w_conv2d():
    m = nn.Conv2d(16, 32, 3, padding=1); x = rg(B, 16, 32, 32); return m, lambda: m(x).sum().backward()
def w_conv1d():
    m = nn.Conv1d(64, 64, 5, padding=2); x = rg(B, 64, 128); return m, lambda: m(x).sum().backward()
def w_conv2d_dw():
    m = nn.Conv2d(32, 32, 3, padding=1, groups=32); x = rg(B, 32, 32, 32); return m, lambda: m(x).sum().backward()
def w_conv_transpose2d():
    m = nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1); x = rg(B, 32, 16, 16); return m, lambda: m(x).sum().backward()
def w_maxpool2d():
    m = nn.MaxPool2d(2); x = rg(B, 32, 32, 32); return m, lambda: m(x).sum().backward()
def w_avgpool2d():
    m = nn.AvgPool2d(2); x = rg(B, 32, 32, 32); return m, lambda: m(x).sum().backward()
def w_adaptive_avgpool():
    m = nn.AdaptiveAvgPool2d(1); x = rg(B, 64, 16, 16); return m, lambda: m(x).sum().backward()
def w_batchnorm2d():
    m = nn.BatchNorm2d(32); x = rg(B, 32, 32, 32); return m, lambda: m(x).sum().backward()
def w_layernorm():
    m = nn.LayerNorm(256); x = rg(B, 64, 256); return m, lambda: m(x).sum().backward()
def w_groupnorm():
    m = nn.GroupNorm(8, 32); x = rg(B, 32, 32, 32); return m, lambda: m(x).sum().backward()
def w_embedding():
    m = nn.Embedding(10000, 128); idx = torch.randint(0, 10000, (B, 64)); return m, lambda: m(idx).sum().backward()
def w_mha():
    m = nn.MultiheadAttention(128, 4, batch_first=True); x = rg(B, 32, 128); return m, lambda: m(x, x, x)[0].sum().backward()
def w_transformer_enc():
    m = nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, batch_first=True, dropout=0.1); x = rg(B, 32, 128); return m, lambda: m(x).sum().backward()
def w_lstm():
    m = nn.LSTM(128, 128, batch_first=True); x = rg(B, 32, 128); return m, lambda: m(x)[0].sum().backward()
def w_gru():
    m = nn.GRU(128, 128, batch_first=True); x = rg(B, 32, 128); return m, lambda: m(x)[0].sum().backward()
def w_gelu():
    x = rg(B, 64, 512); return None, lambda: F.gelu(x).sum().backward()
def w_silu():
    x = rg(B, 64, 512); return None, lambda: F.silu(x).sum().backward()
def w_hardtanh():
    x = rg(B, 64, 512); return None, lambda: F.hardtanh(x).sum().backward()
def w_elu():
    x = rg(B, 64, 512); return None, lambda: F.elu(x).sum().backward()
def w_leaky_relu():
    x = rg(B, 64, 512); return None, lambda: F.leaky_relu(x).sum().backward()
def w_softplus():
    x = rg(B, 64, 512); return None, lambda: F.softplus(x).sum().backward()
def w_clamp_where():
    x = rg(B, 64, 512); return None, lambda: torch.where(x.gt(0), x.clamp(-1, 1), x * 0.1).sum().backward()
def w_softmax():
    x = rg(B, 4, 64, 64); w = torch.randn(B, 4, 64, 64); return None, lambda: (F.softmax(x, -1) * w).sum().backward()
def w_cross_entropy():
    x = rg(256, 1000); t = torch.randint(0, 1000, (256,)); return None, lambda: F.cross_entropy(x, t).backward()
def w_dropout():
    m = nn.Dropout(0.1); x = rg(B, 64, 512); return m, lambda: m(x).sum().backward()
def w_interp_bilinear():
    x = rg(B, 16, 32, 32); return None, lambda: F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False).sum().backward()
def w_interp_nearest():
    x = rg(B, 16, 32, 32); return None, lambda: F.interpolate(x, scale_factor=2, mode='nearest').sum().backward()
def w_cumsum():
    x = rg(B, 4096); w = torch.randn(B, 4096); return None, lambda: (x.cumsum(1) * w).sum().backward()
def w_sort():
    x = rg(B*8, 1024); w = torch.randn(B*8, 1024); return None, lambda: (x.sort(-1)[0] * w).sum().backward()
def w_topk():
    x = rg(B*8, 1024); return None, lambda: x.topk(10, -1)[0].sum().backward()
def w_gather():
    x = rg(B*8, 1024); idx = torch.randint(0, 1024, (B*8, 256)); return None, lambda: x.gather(1, idx).sum().backward()
def w_index_select():
    x = rg(5000, 128); idx = torch.randint(0, 5000, (2048,)); return None, lambda: x.index_select(0, idx).sum().backward()
def w_scatter_add():
    src = rg(B*8, 1024); idx = torch.randint(0, 128, (B*8, 1024)); base = torch.zeros(B*8, 128)
    return None, lambda: base.scatter_add(1, idx, src).pow(2).sum().backward()
def w_masked_fill_where():
    x = rg(B, 64, 512); m = torch.rand(B, 64, 512) < 0.3
    return None, lambda: torch.where(m, x, x * 2).masked_fill(~m, 0).sum().backward()
def w_einsum_bmm():
    a = rg(B*4, 64, 64); b = rg(B*4, 64, 64); return None, lambda: torch.einsum('bij,bjk->bik', a, b).sum().backward()
def w_pad_reflect():
    x = rg(B, 16, 32, 32); return None, lambda: F.pad(x, [2, 2, 2, 2], 'reflect').sum().backward()
def w_pixel_shuffle():
    x = rg(B, 64, 16, 16); return None, lambda: F.pixel_shuffle(x, 2).sum().backward()
def w_instancenorm2d():
    m = nn.InstanceNorm2d(32, affine=True); x = rg(B, 32, 32, 32); return m, lambda: m(x).sum().backward()
def w_cdist():
    a = rg(B, 128, 64); b = rg(B, 128, 64); return None, lambda: torch.cdist(a, b, compute_mode='donot_use_mm_for_euclid_dist').sum().backward()
def w_cdist_mm():
    a = rg(B, 128, 64); b = rg(B, 128, 64); return None, lambda: torch.cdist(a, b).sum().backward()
def w_unfold():
    x = rg(B, 16, 32, 32); return None, lambda: F.unfold(x, 3, padding=1).sum().backward()
def w_embedding_bag():
    m = nn.EmbeddingBag(10000, 128, mode='mean'); idx = torch.randint(0, 10000, (B, 64)); return m, lambda: m(idx).sum().backward()
def w_adam_step():
    m = nn.Sequential(nn.Linear(512, 512), nn.Linear(512, 512))
    for p in m.parameters(): p.grad = torch.randn_like(p)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    return None, lambda: opt.step()

W = {k[2:]: v for k, v in globals().items() if k.startswith('w_')}

def time_one(name, rounds=5, min_ms=150):
    m, step = W[name]()
    def run():
        step()
        if m is not None: m.zero_grad(set_to_none=True)
    t0 = time.perf_counter(); n = 0
    while n < 2 or time.perf_counter() - t0 < 0.2:
        run(); n += 1
    per = (time.perf_counter() - t0) * 1000 / n
    reps = max(1, round(min_ms / max(per, 0.01)))
    best = float('inf')
    for _ in range(rounds):
        s = time.perf_counter()
        for _ in range(reps): run()
        best = min(best, (time.perf_counter() - s) * 1000 / reps)
    return best

if __name__ == '__main__':
    names = sys.argv[1:] or list(W)
    for n in names:
        try: print(json.dumps({'name': n, 'ms': time_one(n)}), flush=True)
        except Exception as e: print(json.dumps({'name': n, 'error': str(e)[:200]}), flush=True)
