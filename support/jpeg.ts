/**
 * JPEG makers for tests, scripts and the benchmark, without an image library or a binary fixture.
 *
 * `makeJpeg`: a minimal JPEG (SOI, APP0 JFIF, SOF0 carrying width × height, SOS, some scan bytes,
 * EOI). Not decodable into pixels, but its header is what image-size (and the sandbox's picture
 * rules) read.
 */
export interface JpegOptions {
  /** Pad the scan data so the whole file has exactly this many bytes. */
  totalBytes?: number;
}

const SOI = [0xff, 0xd8];
const APP0_JFIF = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
const SOS = [0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00];
const EOI = [0xff, 0xd9];

function sof0(width: number, height: number): number[] {
  if (width < 1 || height < 1 || width > 0xffff || height > 0xffff) throw new RangeError('JPEG sides are 1..65535');
  return [
    0xff, 0xc0, 0x00, 0x11, 0x08,
    height >> 8, height & 0xff,
    width >> 8, width & 0xff,
    0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
  ];
}

export function makeJpeg(width: number, height: number, options: JpegOptions = {}): Buffer {
  const head = Buffer.from([...SOI, ...APP0_JFIF, ...sof0(width, height), ...SOS]);
  const minScan = 16;
  const scanLength = options.totalBytes === undefined ? minScan : options.totalBytes - head.length - EOI.length;
  if (scanLength < 1) throw new RangeError(`totalBytes must be at least ${head.length + EOI.length + 1}`);
  // Scan bytes that never form a marker (no 0xFF).
  const scan = Buffer.alloc(scanLength, 0x5a);
  return Buffer.concat([head, scan, Buffer.from(EOI)]);
}

/**
 * A real, decodable baseline JPEG of exactly `bytes` bytes: a uniform grey `side`×`side` image
 * (every 8×8 block is "DC difference 0, end of block"), padded with comment (COM) segments.
 * It passes the picture rules (JPEG, square, ≥192 px) without shipping a binary fixture.
 */
export function greyJpeg(bytes: number, side = 1024): Buffer {
  if (side % 8 !== 0) throw new RangeError('side must be a multiple of 8');
  const head = Buffer.concat([
    marker(0xd8),
    segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00])), // JFIF 1.1
    segment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)])), // quantisation table 0: all ones
    segment(0xc0, Buffer.from([8, side >> 8, side & 0xff, side >> 8, side & 0xff, 1, 1, 0x11, 0])), // SOF0, one component
    // Huffman tables with a single 2-bit code "00": DC category 0, and AC end-of-block (0x00).
    segment(0xc4, Buffer.from([0x00, 0, 1, ...Array<number>(14).fill(0), 0x00])),
    segment(0xc4, Buffer.from([0x10, 0, 1, ...Array<number>(14).fill(0), 0x00])),
    segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0])), // SOS
  ]);
  // 4 zero bits per block ("00" DC, "00" EOB): two blocks per byte, no byte stuffing needed.
  const scan = Buffer.alloc(Math.ceil(((side / 8) * (side / 8)) / 2));
  const tail = marker(0xd9);
  let padding = bytes - head.length - scan.length - tail.length;
  if (padding < 0) throw new RangeError(`a ${side}×${side} grey JPEG needs at least ${bytes - padding} bytes`);
  // Comments go after the JFIF segment; each is at most 65,535 bytes long including its 4-byte header.
  const comments: Buffer[] = [];
  while (padding > 0) {
    const size = Math.min(padding, 65_537);
    const last = padding - size;
    // A comment needs 4 bytes; never leave 1–3 bytes that cannot form one.
    const take = last > 0 && last < 4 ? size - 4 : size;
    comments.push(segment(0xfe, Buffer.alloc(take - 4, 0x20)));
    padding -= take;
  }
  const app0End = 2 + 18;
  return Buffer.concat([head.subarray(0, app0End), ...comments, head.subarray(app0End), scan, tail]);
}

function marker(code: number): Buffer {
  return Buffer.from([0xff, code]);
}

function segment(code: number, payload: Buffer): Buffer {
  const header = Buffer.from([0xff, code, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([header, payload]);
}
