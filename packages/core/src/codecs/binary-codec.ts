import { fromJsonError, storedTypeError, typeError, type Codec } from './codec';

/** Bytes from JSON: base64 text, as `toJSON()` writes them. */
function bytesFromJson(value: unknown): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
    throw fromJsonError('Uint8Array', value, 'base64 text');
  }
  return Buffer.from(value, 'base64');
}

/**
 * Uint8Array (and so Buffer) as B. DynamoDB counts the raw bytes, not the base64 text. A decoded
 * value is a copy: the item it came from is what `save()` compares with (model/stored-state.ts),
 * and bytes changed in place must not change it too.
 */
export const uint8ArrayCodec: Codec<Uint8Array> = {
  storedType: 'B',
  label: 'Uint8Array',
  encode(value) {
    if (!(value instanceof Uint8Array)) throw typeError('Uint8Array', value);
    return { B: value };
  },
  decode(value) {
    if (value.B === undefined) throw storedTypeError('Uint8Array', 'B', value);
    return new Uint8Array(value.B);
  },
  fromJson: (value) => (value instanceof Uint8Array ? value : new Uint8Array(bytesFromJson(value))),
};

/** Like `uint8ArrayCodec`, but decodes into a Buffer (over the decoded copy's memory). */
export const bufferCodec: Codec<Buffer> = {
  storedType: 'B',
  label: 'Buffer',
  encode: uint8ArrayCodec.encode,
  decode(value) {
    const bytes = uint8ArrayCodec.decode(value);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
  fromJson: (value) => (Buffer.isBuffer(value) ? value : bytesFromJson(value)),
};
