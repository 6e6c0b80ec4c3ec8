// Package oracle compares the conformance cases recorded by the real
// Apache + mod_wsgi (../shared/oracle/run.py) with our engine. Reading
// and materialising the cases is package oraclecase's (a leaf the
// engines' own tests use); its names are re-exported here.
package oracle

import "github.com/apacheconf/apacheconf/internal/oraclecase"

// Case is one recorded case (oraclecase.Case).
type Case = oraclecase.Case

// Request is one recorded request and its answer (oraclecase.Request).
type Request = oraclecase.Request

// Ports are the ones run.py --materialize writes.
const (
	Port1        = oraclecase.Port1
	Port2        = oraclecase.Port2
	BackendPort  = oraclecase.BackendPort
	Backend2Port = oraclecase.Backend2Port
	FCGIPort     = oraclecase.FCGIPort
)

// Load reads the cases in the folders the patterns name (oraclecase.Load).
func Load(patterns ...string) ([]Case, error) { return oraclecase.Load(patterns...) }

// Unsubst puts run.py's placeholders back into s (oraclecase.Unsubst).
func Unsubst(s, root string) string { return oraclecase.Unsubst(s, root) }

// ParseRequestLine reads one requests.txt line (oraclecase.ParseRequestLine).
func ParseRequestLine(line string) (Request, error) { return oraclecase.ParseRequestLine(line) }

// Materialize writes a case's tree with run.py (oraclecase.Materialize).
func Materialize(runPy, caseDir, root string) (string, error) {
	return oraclecase.Materialize(runPy, caseDir, root)
}

func parseExpected(reqLine, exp string) (Request, error) {
	return oraclecase.ParseExpected(reqLine, exp)
}
