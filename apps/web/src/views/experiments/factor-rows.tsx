import type { ReactNode } from 'react';
import type { FactorForm } from './experiment-doc.js';

/** A new factor row: no path yet, a range of 0 to 1. */
export const NEW_FACTOR: FactorForm = { path: '', values: '', min: 0, max: 1, integer: false };

/** The factors of the form, one row each: a field path and its values (grid) or range (sampling designs). */
export function FactorRows({
  factors,
  sampled,
  onChange,
}: {
  factors: readonly FactorForm[];
  sampled: boolean;
  onChange: (factors: FactorForm[]) => void;
}): ReactNode {
  const change = (index: number, fields: Partial<FactorForm>): void =>
    onChange(factors.map((factor, i) => (i === index ? { ...factor, ...fields } : factor)));
  return (
    <fieldset className="factor-rows">
      <legend>Factors</legend>
      {factors.map((factor, index) => {
        const n = index + 1;
        return (
          <div className="factor-row" key={index}>
            <label>
              Factor {n} field path
              <input value={factor.path} onChange={(e) => change(index, { path: e.target.value })} />
            </label>
            {sampled ? (
              <>
                <label>
                  Factor {n} min
                  <input
                    type="number"
                    step="any"
                    value={factor.min}
                    onChange={(e) => change(index, { min: Number(e.target.value) })}
                  />
                </label>
                <label>
                  Factor {n} max
                  <input
                    type="number"
                    step="any"
                    value={factor.max}
                    onChange={(e) => change(index, { max: Number(e.target.value) })}
                  />
                </label>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={factor.integer}
                    onChange={(e) => change(index, { integer: e.target.checked })}
                  />
                  Factor {n} whole numbers
                </label>
              </>
            ) : (
              <label>
                Factor {n} values (comma-separated)
                <input value={factor.values} onChange={(e) => change(index, { values: e.target.value })} />
              </label>
            )}
            <button type="button" onClick={() => onChange(factors.filter((_, i) => i !== index))}>
              Remove factor {n}
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...factors, NEW_FACTOR])}>
        Add factor
      </button>
    </fieldset>
  );
}
