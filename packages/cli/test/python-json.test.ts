import { describe, expect, it } from 'vitest'
import { findFloatLiterals, floatPathKey, pythonFloat, pythonString, toPythonJson, TopLevelEntries } from '../src/python-json.js'

describe("the JSON writer writes as Python's json.dumps(indent=4)", () => {
  it("floats as Python's repr: .0 on integral values, exponents below 1e-4 and from 1e16 with two digits at least", () => {
    const cases: [number, string][] = [
      [3, '3.0'],
      [0.1, '0.1'],
      [2.5, '2.5'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.5e-7, '1.5e-07'],
      [1234567890123456, '1234567890123456.0'],
      [1e16, '1e+16'],
      [1.2345678901234568e20, '1.2345678901234568e+20'],
      [1e100, '1e+100'],
      [-2.75, '-2.75'],
      [-0, '-0.0'],
      [0, '0.0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
    ]
    for (const [value, text] of cases) expect([value, pythonFloat(value)]).toEqual([value, text])
  })

  it('escapes every character outside printable ASCII as \\uXXXX (lowercase, surrogate pairs for astral ones), as ensure_ascii=True', () => {
    expect(pythonString('mastery \u2014 time')).toBe('"mastery \\u2014 time"')
    expect(pythonString('caf\u00e9 \u{1f600}')).toBe('"caf\\u00e9 \\ud83d\\ude00"')
    expect(pythonString('\u007f\u001b\u0000')).toBe('"\\u007f\\u001b\\u0000"')
    expect(pythonString('"\\\n\r\t\b\f')).toBe('"\\"\\\\\\n\\r\\t\\b\\f"')
    expect(pythonString('lone \ud800 and \udc00')).toBe('"lone \\ud800 and \\udc00"')
    // Without ascii: UTF-8 as is, only lone surrogates escaped (UTF-8 cannot hold them).
    expect(pythonString('caf\u00e9 \u{1f600} \ud800', false)).toBe('"caf\u00e9 \u{1f600} \\ud800"')
  })

  it('the layout of json.dumps(indent=4): empty containers inline, ints as ints, floats where told, entries in their order', () => {
    const value = new TopLevelEntries([
      ['2', { a: [], b: {}, c: [1, { d: null }], e: true, f: 3, g: 3 }],
      ['1', 'x'],
    ])
    const text = toPythonJson(value, { isFloat: (path) => path.join('.') === '2.g' })
    expect(text).toBe('{\n    "2": {\n        "a": [],\n        "b": {},\n        "c": [\n            1,\n            {\n                "d": null\n            }\n        ],\n        "e": true,\n        "f": 3,\n        "g": 3.0\n    },\n    "1": "x"\n}')
    // Integers of any size keep every digit, as Python ints.
    expect(toPythonJson([1e21, -0, 12])).toBe('[\n    1000000000000000000000,\n    0,\n    12\n]')
  })

  it('finds the float literals of a JSON text by path; a repeated key counts by its last value', () => {
    const floats = findFloatLiterals('{"a": {"x": 3.0, "y": 3, "z": [1, 2.0, 1e3]}, "b": 1E-2, "c": "3.0", "d": 2.5, "d": 2}')
    expect([...floats].sort()).toEqual([floatPathKey(['a', 'x']), floatPathKey(['a', 'z', 1]), floatPathKey(['a', 'z', 2]), floatPathKey(['b'])].sort())
    // Too deep to follow: no crash, the floats found so far.
    expect(findFloatLiterals(`${'['.repeat(5000)}1.0${']'.repeat(5000)}`).size).toBe(0)
  })
})
