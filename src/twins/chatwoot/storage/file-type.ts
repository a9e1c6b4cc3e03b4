import type { AttachmentFileType } from '../twin-state.ts';

/** file_type_helper.rb (chatwoot-3.7-3.9.md §7). */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/webp']);
const VIDEO_TYPES = new Set(['video/ogg', 'video/mp4', 'video/webm', 'video/quicktime']);

export function fileTypeFor(contentType: string): AttachmentFileType {
  if (IMAGE_TYPES.has(contentType)) return 'image';
  if (VIDEO_TYPES.has(contentType)) return 'video';
  if (contentType.startsWith('audio/')) return 'audio';
  return 'file';
}

const BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  ogv: 'video/ogg',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
  wav: 'audio/x-wav',
  aac: 'audio/aac',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function sniff(bytes: Buffer): string | undefined {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'application/pdf';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (starts(0x4f, 0x67, 0x67, 0x53)) return 'audio/ogg';
  return undefined;
}

/**
 * The blob content type. Like Marcel in ActiveStorage, the bytes and the filename win over a missing
 * or generic declared type (the SDK's parts carry no Content-Type at all).
 */
export function detectContentType(declared: string, filename: string, bytes: Buffer): string {
  const clean = declared.split(';')[0]!.trim().toLowerCase();
  if (clean !== '' && clean !== 'application/octet-stream') return clean;
  const sniffed = sniff(bytes);
  if (sniffed) return sniffed;
  const extension = filename.includes('.') ? filename.split('.').pop()!.toLowerCase() : '';
  return BY_EXTENSION[extension] ?? 'application/octet-stream';
}
