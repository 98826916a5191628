// Code 128 (ISO/IEC 15417) for the sample number on a printed label: the same encoding as
// the sampling record's (lims/workflow/documents/code128.cpp): start, data in code sets B and
// C (runs of digits that pay for the switch), mod-103 check, stop; and the bars an SVG draws.
const PATTERNS = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
]
export const START_B = 104
export const START_C = 105
const CODE_B = 100
const CODE_C = 99
export const STOP = 106
export const QUIET_ZONE = 10

const isDigit = (c: string) => c >= '0' && c <= '9'
function digitRun(text: string, from: number): number {
  let n = 0
  while (from + n < text.length && isDigit(text[from + n])) n++
  return n
}

export function checkValue(startAndData: number[]): number {
  let sum = startAndData[0] ?? 0
  for (let i = 1; i < startAndData.length; i++) sum += i * startAndData[i]
  return sum % 103
}

// The symbol values of `text` (printable ASCII), start to stop; throws on other characters.
export function encode(text: string): number[] {
  if (!text) throw new Error('nothing to encode')
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 32 || c > 126) throw new Error(`character ${c} at position ${i + 1} is not printable ASCII`)
  }
  const values: number[] = []
  const first = digitRun(text, 0)
  let inC = (first === text.length && first % 2 === 0 && first >= 2) || first >= 4
  values.push(inC ? START_C : START_B)
  let i = 0
  while (i < text.length) {
    const run = digitRun(text, i)
    if (inC) {
      if (run >= 2) {
        values.push(Number(text[i]) * 10 + Number(text[i + 1]))
        i += 2
      } else {
        values.push(CODE_B)
        inC = false
      }
      continue
    }
    const atEnd = i + run === text.length
    if (run >= 6 || (atEnd && run >= 4)) {
      if (run % 2 === 1) values.push(text.charCodeAt(i++) - 32) // an odd run leaves its first digit in B
      values.push(CODE_C)
      inC = true
      continue
    }
    values.push(text.charCodeAt(i++) - 32)
  }
  values.push(checkValue(values))
  values.push(STOP)
  return values
}

// Modules (true = bar) with the quiet zones on both sides.
export function modules(values: number[]): boolean[] {
  const out: boolean[] = Array(QUIET_ZONE).fill(false)
  let bar = true
  for (const v of values)
    for (const w of PATTERNS[v] ?? '') {
      for (let k = 0; k < Number(w); k++) out.push(bar)
      bar = !bar
    }
  return out.concat(Array(QUIET_ZONE).fill(false))
}
