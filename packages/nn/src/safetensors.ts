/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header
 * ({ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": {…} }),
 * then the raw little-endian data. Weights move between Graft and PyTorch
 * (`safetensors.torch.save_file` / `load_file`).
 */
import * as g from '@graft/core';
import type { DType, Tensor } from '@graft/core';

const TO_FILE: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };
const BYTES: Record<string, number> = { F32: 4, F64: 8, I32: 4, I64: 8, BOOL: 1, F16: 2, BF16: 2, U8: 1, I8: 1, I16: 2 };

function littleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

/**
 * Serialises a state dict (optionally with string metadata) to safetensors bytes.
 *
 * @example
 * const bytes = saveSafetensors(model.stateDict(), { format: 'pt' });
 */
export function saveSafetensors(state: Record<string, Tensor> | Map<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  if (!littleEndian()) throw new Error('saveSafetensors: big-endian platforms are not supported');
  const entries = state instanceof Map ? [...state] : Object.entries(state);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header['__metadata__'] = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new Error('saveSafetensors: "__metadata__" is reserved and cannot be a tensor name');
    const data = t.dataSync();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: TO_FILE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned.
  while ((8 + new TextEncoder().encode(json).byteLength) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.byteLength;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function halfToFloat(h: number, bf16: boolean): number {
  if (bf16) return new Float32Array(new Uint32Array([h << 16]).buffer)[0]!;
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Reads safetensors bytes; also returns the metadata. */
export function loadSafetensorsWithMetadata(bytes: Uint8Array, options: { device?: string } = {}): { tensors: Record<string, Tensor>; metadata: Record<string, string> | undefined } {
  if (bytes.byteLength < 8) throw new Error(`loadSafetensors: ${bytes.byteLength} bytes is too short for a safetensors file (the header length alone is 8 bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) throw new Error(`loadSafetensors: header length ${headerLength} exceeds the file size (${bytes.byteLength} bytes)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`loadSafetensors: the header is not valid JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const metadata = header['__metadata__'] as Record<string, string> | undefined;
  const tensors: Record<string, Tensor> = {};
  const device = options.device !== undefined ? { device: options.device } : {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = raw as HeaderEntry;
    const size = BYTES[entry.dtype];
    if (size === undefined) throw new Error(`loadSafetensors: tensor "${name}" has unsupported dtype ${entry.dtype}`);
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (!(begin >= 0 && end >= begin && end <= dataLength)) {
      throw new Error(`loadSafetensors: tensor "${name}" has data_offsets [${begin}, ${end}] outside the ${dataLength} data bytes`);
    }
    if (end - begin !== count * size) {
      throw new Error(`loadSafetensors: tensor "${name}" of dtype ${entry.dtype} and shape [${entry.shape.join(', ')}] needs ${count * size} bytes, but its offsets span ${end - begin}`);
    }
    const slice = bytes.slice(dataStart + begin, dataStart + end);
    const dv = new DataView(slice.buffer);
    let values: Float32Array | Float64Array | Int32Array | Uint8Array;
    switch (entry.dtype) {
      case 'F32': values = Float32Array.from({ length: count }, (_, i) => dv.getFloat32(i * 4, true)); break;
      case 'F64': values = Float64Array.from({ length: count }, (_, i) => dv.getFloat64(i * 8, true)); break;
      case 'I32': values = Int32Array.from({ length: count }, (_, i) => dv.getInt32(i * 4, true)); break;
      case 'I16': values = Int32Array.from({ length: count }, (_, i) => dv.getInt16(i * 2, true)); break;
      case 'I8': values = Int32Array.from({ length: count }, (_, i) => dv.getInt8(i)); break;
      case 'U8': values = Int32Array.from({ length: count }, (_, i) => dv.getUint8(i)); break;
      case 'I64':
        // PyTorch's default integer type; Graft's is int32: values must fit.
        values = Int32Array.from({ length: count }, (_, i) => {
          const v = dv.getBigInt64(i * 8, true);
          if (v > 2147483647n || v < -2147483648n) throw new Error(`loadSafetensors: tensor "${name}" holds int64 value ${v}, outside int32`);
          return Number(v);
        });
        break;
      case 'BOOL': values = Uint8Array.from(slice, (b) => (b ? 1 : 0)); break;
      default: values = Float32Array.from({ length: count }, (_, i) => halfToFloat(dv.getUint16(i * 2, true), entry.dtype === 'BF16'));
    }
    tensors[name] = g.tensor(values, { shape: entry.shape, ...device });
  }
  return { tensors, metadata };
}

/**
 * Reads safetensors bytes into a state dict (F16/BF16 become float32, I64 int32).
 *
 * @example
 * model.loadStateDict(loadSafetensors(bytes));
 */
export function loadSafetensors(bytes: Uint8Array, options: { device?: string } = {}): Record<string, Tensor> {
  return loadSafetensorsWithMetadata(bytes, options).tensors;
}
