export * from './subjects.ts';
