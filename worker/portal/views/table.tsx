import type { Child } from "hono/jsx";

/** A data table with a caption (read out first by screen readers) and an empty-state row. */
export function Table({ caption, head, rows }: { caption: string; head: readonly string[]; rows: readonly Child[][] }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>{head.map((h) => <th scope="col">{h}</th>)}</tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr><td colspan={head.length}>None yet.</td></tr>
        ) : (
          rows.map((cells) => <tr>{cells.map((cell) => <td>{cell}</td>)}</tr>)
        )}
      </tbody>
    </table>
  );
}

/** A labelled input: every field has a visible label tied to it (WCAG 1.3.1, 3.3.2). */
export function Field(props: { label: string; name: string; type?: string; value?: string; required?: boolean; hint?: string; placeholder?: string; min?: string; max?: string }) {
  const id = `f-${props.name}`;
  return (
    <p class="field">
      <label for={id}>{props.label}</label>
      <input id={id} name={props.name} type={props.type ?? "text"} value={props.value} required={props.required} placeholder={props.placeholder} min={props.min} max={props.max} aria-describedby={props.hint === undefined ? undefined : `${id}-hint`} />
      {props.hint === undefined ? null : <small id={`${id}-hint`}>{props.hint}</small>}
    </p>
  );
}

export function Select({ label, name, options, value }: { label: string; name: string; options: readonly string[]; value?: string }) {
  const id = `f-${name}`;
  return (
    <p class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name}>
        {options.map((o) => <option value={o} selected={o === value}>{o}</option>)}
      </select>
    </p>
  );
}

/** Seconds since the epoch (Azure's attributes) as an ISO date-time, or a dash. */
export const when = (seconds: unknown): string => (typeof seconds === "number" ? new Date(seconds * 1000).toISOString().replace(".000Z", "Z") : "—");
