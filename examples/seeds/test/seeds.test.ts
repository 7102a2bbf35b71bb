import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const run = (seed: string) =>
  execFileSync(process.execPath, [`${dist}${seed}.js`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

// Every output the seed tutorials show, character for character.
describe('seed tutorials print what PyTorch printed', () => {
  it('000 runs the RNN cell and backpropagates', () => {
    expect(run('000')).toContain('[ 20, 1 ] [ 20, 20 ] [ 20, 10 ]');
  });

  it('001', () => {
    const out = run('001');
    for (const text of [
      'tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)',
      'tensor([[-1.,  0.],\n        [ 1.,  2.]], grad_fn=<SubBackward0>)',
      'tensor([[ 3.,  0.],\n        [ 3., 12.]], grad_fn=<MulBackward0>) tensor(4.5000, grad_fn=<MeanBackward0>)',
      'tensor([[-1.5000,  0.0000],\n        [ 1.5000,  3.0000]])',
      'tensor([1.0240e+02, 1.0240e+03, 1.0240e-01])',
      'Only Tensors of floating point',
      'tensor([1., 1., 1.]) tensor([1., 2., 3.])',
    ])
      expect(out).toContain(text);
    expect(out).toMatch(/<SubBackward0 object at 0x[0-9a-f]+>/);
    expect(out).toMatch(/<AccumulateGrad object at 0x[0-9a-f]+>/);
  });

  it('002', () => {
    const out = run('002');
    expect(out).toContain('tensor(6.7000)');
    expect(out).toContain('true');
  });

  it('003', () => {
    const out = run('003');
    for (const text of [
      'tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)',
      'tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)',
      'tensor([[27., 27.],\n        [27., 27.]], grad_fn=<MulBackward0>) tensor(27., grad_fn=<MeanBackward0>)',
      'tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])',
      'tensor([1.0240e+02, 1.0240e+03, 1.0240e-01])',
      'True\nTrue\nFalse\nTrue\nFalse\ntensor(True)',
      'derivative 5.25',
      'reverse mode (autograd): 5.25',
      'forward mode (dual numbers): 5.25',
      'dual product: 12 + ε 10',
      'z: \n tensor([[1, 2],\n        [3, 4]])',
    ])
      expect(out).toContain(text);
    expect(out).toMatch(/<AddBackward0 object at 0x[0-9a-f]+>/);
    expect(out).not.toContain('false');
  });

  it('004', () => {
    expect(run('004')).toBe(
      [
        'tensor(63., grad_fn=<AddBackward0>)',
        'tensor(93.)',
        'tensor([[1., 2., 3.],\n        [3., 2., 1.]], requires_grad=True)',
        'tensor([[ 5.,  8., 11.],\n        [11.,  8.,  5.]], grad_fn=<AddBackward0>)',
        'tensor([[ 50., 128., 242.],\n        [242., 128.,  50.]], grad_fn=<MulBackward0>)',
        'tensor(140., grad_fn=<MeanBackward0>)',
        'tensor([[10., 16., 22.],\n        [22., 16., 10.]])',
        '',
      ].join('\n'),
    );
  });
});
