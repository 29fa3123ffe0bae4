export { Anonymiser, type AnonymiseOptions, type ExportKey } from './anonymise.ts';
export { DATASET_FORMAT, type Datasheet, type ExportedFile, type ExportOptions, exportDataset } from './dataset.ts';
export { DatasetError, loadDataset, readDatasheet } from './load.ts';
export { type ColumnRule, EXPORT_TABLES, type ExportTable, selectList } from './tables.ts';
