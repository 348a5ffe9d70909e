/** Saved requests and checks (issue 12): the file format, the runner and the JUnit report. */
export * from './format';
export * from './jsonPath';
export * from './assertions';
export * from './runner';
export * from './junit';
export * from './report';
