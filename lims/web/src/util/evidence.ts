// Evidence files on the phone and the desktop alike: photos scaled to fit the service's
// limit before they are sent (lims.attachments.max_bytes, 700 KB as shipped), base64 for
// the JSON upload, the SHA-256 the service will name the file by (to check it kept the
// same bytes), and sizes as people read them.
export const MAX_ATTACHMENT_BYTES = 700 * 1024
export const MAX_PHOTO_SIDE = 1600
// What the service takes, told by the bytes there (JPEG, PNG, PDF); checked here by the
// type the browser gives, so a wrong file is refused before it is sent.
export const EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'application/pdf']

// A photo too large for the service, redrawn at most MAX_PHOTO_SIDE pixels wide as JPEG
// at falling qualities until it fits; PDFs and small files as they are.
export async function scaled(file: File): Promise<Blob> {
  if (file.size <= MAX_ATTACHMENT_BYTES || file.type === 'application/pdf') return file
  const bitmap = await createImageBitmap(file)
  const ratio = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(bitmap.width * ratio)
  canvas.height = Math.round(bitmap.height * ratio)
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  for (const quality of [0.85, 0.7, 0.5]) {
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality))
    if (blob && blob.size <= MAX_ATTACHMENT_BYTES) return blob
  }
  return file
}

export function base64Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(blob)
  })
}

// The SHA-256 of the bytes as lower-case hex, or '' where the browser offers no digest
// (WebCrypto needs a secure context: HTTPS or localhost).
export async function sha256Hex(blob: Blob): Promise<string> {
  if (!globalThis.crypto?.subtle) return ''
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

// "532 B", "48.2 KB", "1.4 MB" (1 KB = 1024 bytes, as the limit is counted).
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

// The extension a download is saved with, from the type the service told by the bytes.
export function extensionOf(mediaType: string): string {
  return mediaType === 'image/jpeg' ? 'jpg' : mediaType === 'image/png' ? 'png' : mediaType === 'application/pdf' ? 'pdf' : 'bin'
}
