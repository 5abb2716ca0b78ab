import { storedTypeError, typeError, type Codec } from './codec';

/** Uint8Array (and so Buffer) as B. DynamoDB counts the raw bytes, not the base64 text. */
export const uint8ArrayCodec: Codec<Uint8Array> = {
  storedType: 'B',
  label: 'Uint8Array',
  encode(value) {
    if (!(value instanceof Uint8Array)) throw typeError('Uint8Array', value);
    return { B: value };
  },
  decode(value) {
    if (value.B === undefined) throw storedTypeError('Uint8Array', 'B', value);
    return value.B;
  },
};

/** Like `uint8ArrayCodec`, but decodes into a Buffer (sharing the bytes, no copy). */
export const bufferCodec: Codec<Buffer> = {
  storedType: 'B',
  label: 'Buffer',
  encode: uint8ArrayCodec.encode,
  decode(value) {
    const bytes = uint8ArrayCodec.decode(value);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
};
