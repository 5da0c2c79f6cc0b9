/** A managed HSM's settings that differ from their defaults (migration 0013). All SQL for them lives here. */
export class HsmSettingsRepository {
  constructor(private readonly sql: SqlStorage) {}

  /** Stored values by name; a setting absent here has its default. */
  all(): Map<string, string> {
    const rows = this.sql.exec<{ name: string; value: string }>("SELECT name, value FROM hsm_settings").toArray();
    return new Map(rows.map((r) => [r.name, r.value]));
  }

  put(name: string, value: string): void {
    this.sql.exec("INSERT INTO hsm_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", name, value);
  }
}
