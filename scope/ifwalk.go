package scope

// ifWalk is ap_if_walk. <If> conditions are ap_expr expressions evaluated
// per request; until the expression evaluator lands, every <If> is
// reported as undecided and not merged.
func (w *walker) ifWalk(r *Result) {
	for _, sec := range w.res.conf.ifs {
		w.res.steps = append(w.res.steps, Step{Phase: "if", Section: sec,
			Note: "condition not evaluated statically: " + sec.ArgText()})
	}
}
