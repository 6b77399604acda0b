/** The runs table's language, shared by `runmeter ls`, `runmeter compare`, the API and the dashboard. Pure: no I/O. */
export * from './fields.js';
export { compileFilter, FilterError, literalNumber, type RunPredicate, searchText } from './filter.js';
export { type FilterNode, parseFilter } from './filter-syntax.js';
export * from './params-diff.js';
export * from './record.js';
export * from './sort.js';
