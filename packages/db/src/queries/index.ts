export { importUsers, importUsersCsv, type ImportUsersOptions, type ImportUsersResult, type SkippedUser } from './import-users.js'
export { readCsv, CsvFormatError, type CsvRecord } from './read-csv.js'
export { resetIdSequence, type SerialTable } from './reset-sequence.js'
export { parseTimestamp } from './timestamp.js'
