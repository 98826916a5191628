// A raw instrument message for people: UTF-8 where it decodes, the control characters of
// ASTM E1381/E1394 and HL7 MLLP framing by name (<STX>, <CR>, <VT>, ...), a line break
// after each CR or LF so that records and segments start on their own line.
const NAMES: Record<number, string> = {
  0: 'NUL', 2: 'STX', 3: 'ETX', 4: 'EOT', 5: 'ENQ', 6: 'ACK', 10: 'LF', 11: 'VT', 13: 'CR', 21: 'NAK', 23: 'ETB', 28: 'FS',
}

export function visible(bytes: Uint8Array): string {
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
  let out = ''
  for (const ch of decoded) {
    const code = ch.codePointAt(0) ?? 0
    if (code < 32 || code === 127) {
      out += `<${NAMES[code] ?? `0x${code.toString(16).padStart(2, '0')}`}>`
      if (code === 13 || code === 10) out += '\n'
    } else out += ch
  }
  return out
}

export function bytesOfBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}
