import { describe, expect, it } from 'vitest'
import { recountDraw, type LaboratoryDraw } from './reinspection'

const lab = (id: number) => ({ id, code: `LAB-${id}`, name: `检验所 ${id}` })
const draw = (seed: string, n: number, chosen = 0): LaboratoryDraw => ({
  excluded: lab(1),
  candidates: Array.from({ length: n }, (_, i) => lab(i + 2)),
  seed,
  chosen_index: chosen,
  rule: 'chosen_index = seed mod count(candidates)',
})

describe('recountDraw', () => {
  it('is the seed modulo the number of candidates, over all 64 bits', () => {
    expect(recountDraw(draw('00000000075bcd15', 7))).toBe(123456789 % 7)
    // Above 2^53: counted exactly (BigInt), not rounded by a float.
    expect(recountDraw(draw('ffffffffffffffff', 3))).toBe(Number(18446744073709551615n % 3n))
    expect(recountDraw(draw('ffffffffffffffff', 10))).toBe(5)
  })
  it('gives nothing for a malformed seed or no candidates', () => {
    expect(recountDraw(draw('xyz', 3))).toBeNull()
    expect(recountDraw(draw('00000000075bcd15', 0))).toBeNull()
  })
})
