// Package cell formats the numbers of the cells of every CSV the project
// writes, in one place, so that every file writes them alike:
//
//   - Float writes a measured float with the digits that mean something:
//     rounded to 6 significant digits, then in its shortest form
//     (0.8995000000000006 is written 0.8995, 187612.34 is 187612). NaN,
//     a figure that was not measured, is an empty cell.
//   - Seconds writes a duration in seconds, exactly: a time.Duration is a
//     whole number of nanoseconds, written as a decimal (125µs is
//     0.000125, 1h is 3600), never in Go's 1h0m0s form.
package cell
