package benchmarks

import (
	"io"
	"slices"

	"github.com/go-dht/go-dht/benchmarks/param"
	"github.com/go-dht/go-dht/benchmarks/report"
	"github.com/go-dht/go-dht/dht/crawler"
)

// crawlParams are the parameter columns of a crawl's summary: its
// network's and its options (param.CrawlTable).
var crawlParams = param.Columns(param.CrawlTable)

// CrawlHeader is the header of the crawl summaries the project writes
// (dhtsim crawl's crawls.csv and summary.csv, the crawl benchmarks'): one
// row per crawl, what it measured (crawler.ResultColumns), then the
// parameters it ran with.
var CrawlHeader = slices.Concat(crawler.ResultColumns, param.ColumnNames(crawlParams))

// CrawlRow is one crawl of a summary: what it measured and the
// parameters it ran with.
type CrawlRow struct {
	Summary crawler.Summary
	Params  param.Settings
}

// WriteCrawlSummaries writes the crawl summary CSV of rows.
func WriteCrawlSummaries(w io.Writer, rows ...CrawlRow) error {
	return report.WriteCSV(w, CrawlHeader, func(emit func([]string) error) error {
		for _, r := range rows {
			if err := emit(append(r.Summary.ResultRow(), param.Cells(r.Params, crawlParams, "")...)); err != nil {
				return err
			}
		}
		return nil
	})
}
