/**
 * A minimal JPEG for tests: SOI, APP0 (JFIF), SOF0 carrying width × height, SOS, some
 * scan bytes, EOI. Not decodable into pixels, but its header is what image-size (and
 * the sandbox's picture rules) read. No image library needed. Reusable by other suites.
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
