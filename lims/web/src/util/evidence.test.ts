import { describe, expect, it } from 'vitest'
import { extensionOf, sha256Hex, sizeText } from './evidence'

describe('evidence files', () => {
  it('reads sizes as people do', () => {
    expect(sizeText(532)).toBe('532 B')
    expect(sizeText(49357)).toBe('48.2 KB')
    expect(sizeText(700 * 1024)).toBe('700.0 KB')
    expect(sizeText(1468006)).toBe('1.4 MB')
  })
  it('saves downloads by the type the service told, never as something else', () => {
    expect(extensionOf('image/jpeg')).toBe('jpg')
    expect(extensionOf('image/png')).toBe('png')
    expect(extensionOf('application/pdf')).toBe('pdf')
    expect(extensionOf('text/html')).toBe('bin')
  })
  it('names the bytes by their SHA-256 as the service does', async () => {
    const hex = await sha256Hex(new Blob(['abc']))
    // FIPS 180-2's example, when the runtime has WebCrypto (Node does).
    expect(hex).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })
})
