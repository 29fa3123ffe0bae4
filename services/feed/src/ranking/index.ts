export * from './cursor.ts';
export * from './equal-exposure.ts';
