/** The `<option>`s of a drop-down, from value and label pairs. */
export function OptionList({ options }: { options: readonly { value: string; label: string }[] }) {
  return options.map((o) => (
    <option key={o.value} value={o.value}>
      {o.label}
    </option>
  ));
}
