import { describe, expect, it } from 'vitest'
import { bytesOfBase64, visible } from './raw'

describe('raw instrument messages', () => {
  it('names the framing characters and breaks lines after CR', () => {
    const astm = new TextEncoder().encode('\x021H|\\^&\r\x034A\r\n')
    expect(visible(astm)).toBe('<STX>1H|\\^&<CR>\n<ETX>4A<CR>\n<LF>\n')
  })
  it('keeps Chinese text and shows other control bytes in hex', () => {
    expect(visible(new TextEncoder().encode('OBX|含量\x1f'))).toBe('OBX|含量<0x1f>')
  })
  it('decodes base64 to bytes', () => {
    expect(Array.from(bytesOfBase64('AgMN'))).toEqual([2, 3, 13])
  })
})
