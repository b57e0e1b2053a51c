/**
 * Icon sizes the manifests name: 16/32/80 for desktop ribbon buttons, 25/32/48 for the mobile
 * online-meeting button, 64/128 for the add-in's own icon, 192 (colour) and 32 (outline) for the
 * unified app manifest.
 */
export const desktopIconSizes = [16, 32, 80] as const;
export const mobileIconSizes = [25, 32, 48] as const;
export const iconSizes = [16, 25, 32, 48, 64, 80, 128, 192] as const;

/** The width and height a PNG declares in its header; undefined when the bytes are no PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
