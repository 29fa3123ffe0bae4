// What a research export's schema.json holds (dataset.ts writes it, datasheet.ts and load.ts read it).

export interface ExportedFile {
  file: string;
  table: string;
  description: string;
  rows: number;
  bytes: number;
  sha256: string;
  columns: Array<{ name: string; type: string; rule: string }>;
}

export interface Datasheet {
  format: string;
  created_at: string;
  window: { as_of: string; from: string | null; until: string | null; season: string | null };
  with_text: boolean;
  method: Record<string, unknown>;
  files: ExportedFile[];
}
