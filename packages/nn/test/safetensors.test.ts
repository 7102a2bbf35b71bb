import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Linear, loadSafetensors, loadSafetensorsWithMetadata, saveSafetensors, Sequential } from '../src/index.js';

/** A file assembled byte by byte from the published format description. */
function handMadeFile(): Uint8Array {
  const header = '{"__metadata__":{"format":"pt"},"b":{"dtype":"I64","shape":[2],"data_offsets":[8,24]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const padded = header + ' '.repeat((8 - ((8 + header.length) % 8)) % 8);
  const bytes: number[] = [];
  const len = padded.length;
  for (let i = 0; i < 8; i++) bytes.push(i === 0 ? len & 0xff : i === 1 ? (len >> 8) & 0xff : 0); // u64 little-endian
  for (const ch of padded) bytes.push(ch.charCodeAt(0));
  bytes.push(0x00, 0x00, 0x80, 0x3f); // 1.0f little-endian
  bytes.push(0x00, 0x00, 0x00, 0xc0); // -2.0f
  bytes.push(7, 0, 0, 0, 0, 0, 0, 0); // int64 7
  bytes.push(0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff); // int64 -3
  return new Uint8Array(bytes);
}

describe('safetensors', () => {
  it('reads a hand-made file', () => {
    const { tensors, metadata } = loadSafetensorsWithMetadata(handMadeFile());
    expect(metadata).toEqual({ format: 'pt' });
    expect(Array.from(tensors['w']!.dataSync())).toEqual([1, -2]);
    expect(tensors['w']!.dtype).toBe('float32');
    expect(Array.from(tensors['b']!.dataSync())).toEqual([7, -3]);
    expect(tensors['b']!.dtype).toBe('int32');
  });

  it('writes the layout the format describes (aligned header, offsets, little-endian data)', () => {
    const bytes = saveSafetensors({ a: g.tensor([1.5, 2]), n: g.tensor([3], { dtype: 'int32' }) }, { note: 'x' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header).toEqual({
      __metadata__: { note: 'x' },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      n: { dtype: 'I32', shape: [1], data_offsets: [8, 12] },
    });
    expect(new DataView(bytes.buffer).getFloat32(8 + headerLength, true)).toBe(1.5);
  });

  it('a model saved and loaded gives identical outputs', () => {
    const make = () => new Sequential(new Linear(4, 8), new BatchNorm1d(8), new Linear(8, 2));
    const a = make();
    a.call(g.randn(16, 4)); // moves the running statistics
    a.eval();
    const b = make();
    b.loadStateDict(loadSafetensors(saveSafetensors(a.stateDict())));
    b.eval();
    const x = g.randn(5, 4);
    expect(Array.from((b.call(x) as g.Tensor).dataSync())).toEqual(Array.from((a.call(x) as g.Tensor).dataSync()));
  });

  it('bad files give clear errors', () => {
    expect(() => loadSafetensors(new Uint8Array(3))).toThrow('too short');
    const bad = handMadeFile();
    bad[0] = 0xff;
    bad[1] = 0xff;
    expect(() => loadSafetensors(bad)).toThrow(/header length \d+ exceeds the file size/);
    const truncated = handMadeFile().subarray(0, handMadeFile().length - 4);
    expect(() => loadSafetensors(truncated)).toThrow(/tensor "b" has data_offsets \[8, 24\] outside/);
  });
});
