package proxy

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/apacheconf/apacheconf/internal/syntax"
)

// MemberTarget is the backend a balancer member connects to: its URL's
// host and port (the scheme's default filled in), or its unix: socket.
func MemberTarget(m Member) (Target, error) {
	url, socket, ok := deSocketfy(m.URL)
	if !ok {
		return Target{}, fmt.Errorf("invalid unix: URL %s", m.URL)
	}
	col := strings.Index(url, "://")
	if col <= 0 {
		return Target{}, fmt.Errorf("no URL in %s", m.URL)
	}
	scheme := syntax.ToLowerASCII(url[:col])
	host, port, _, err := canonNetloc(url[col+1:])
	if err != "" {
		return Target{}, fmt.Errorf("%s: %s", m.URL, err)
	}
	if port == 0 {
		port = defaultPort(scheme)
	}
	return Target{Scheme: scheme, Host: host, Port: port, Socket: socket}, nil
}

// defaultPort is ap_proxy_port_of_scheme.
func defaultPort(scheme string) int {
	switch scheme {
	case "http", "ws", "h2c":
		return 80
	case "https", "wss", "h2":
		return 443
	case "fcgi":
		return 8000
	case "ajp":
		return 8009
	case "scgi":
		return 4000
	case "uwsgi":
		return 3031
	}
	return 0
}

// Pick is what mod_proxy_balancer's choice of member and proxy_handler's
// retries make of a request to a balancer in a world.
type Pick struct {
	// Member is the member whose answer (or failure) the answer is,
	// when every way the request can go ends there; nil otherwise.
	Member *Member
	// Reach is what connecting to Member meets.
	Reach Reach
	// Status is the answer when every way ends in it: 200 (a member that
	// is up answers), 503 (every member tried refused, or all are in
	// error: AH01170), 500 (a member's host does not resolve: no
	// failover); 0 when the ways differ or the world does not say.
	Status int
	Reason string
	// Members are the members that may serve the request when Member is
	// nil (their URLs in the balancer's order).
	Members []string
	// Undecided says why the outcome is not decided statically ("" when
	// it is): the lbmethod's choice among several members, or members
	// that failed in the last retry= seconds and are skipped.
	Undecided string
}

// memberInfo is what the pick reads of a member: its status= flags,
// lbset and retry=, and what connecting to it meets.
type memberInfo struct {
	reach    Reach
	target   Target
	excluded bool // +D disabled, +S stopped, +N draining: never picked
	standby  bool // +H: only when no other member of its lbset is usable
	odd      string
	lbset    int
	retry0   bool // retry=0: put back in service at once
}

// BalancerParams are the balancer parameters the pick reads (set on the
// ProxyPass lines that name the balancer).
type BalancerParams struct {
	// MaxAttempts is maxattempts=: how many times a refused request is
	// retried on another member; <0 for the default, one less than the
	// members.
	MaxAttempts int
	// NoForceRecovery is forcerecovery=Off: members all in error stay so.
	NoForceRecovery bool
	// LBMethod is lbmethod= ("" for byrequests, the default).
	LBMethod string
}

// BalancerParams reads maxattempts=, forcerecovery= and lbmethod= from
// the balancer's ProxySet lines, then the ProxyPass entries that name it
// (set_balancer_param: the last one set wins).
func (s *ServerConfig) BalancerParams(name string) BalancerParams {
	bp := BalancerParams{MaxAttempts: -1}
	if s == nil {
		return bp
	}
	name = syntax.ToLowerASCII(name)
	var params []Param
	if b := s.Balancers[name]; b != nil {
		params = append(params, b.Params...)
	}
	for _, p := range s.Passes {
		if isBalancer(p.URL) && balancerName(p.URL) == name {
			params = append(params, p.Params...)
		}
	}
	for _, prm := range params {
		switch syntax.ToLowerASCII(prm.Key) {
		case "maxattempts":
			if n, err := strconv.Atoi(prm.Value); err == nil && n >= 0 {
				bp.MaxAttempts = n
			}
		case "forcerecovery":
			bp.NoForceRecovery = syntax.EqualFoldASCII(prm.Value, "off")
		case "lbmethod":
			bp.LBMethod = syntax.ToLowerASCII(prm.Value)
		}
	}
	return bp
}

// maxPickMembers bounds the exploration (2^n error states).
const maxPickMembers = 10

// PickMember plays out mod_proxy_balancer's choice among b's members for
// one request in world w: find_best_worker takes the lowest lbset that
// has a usable member (a hot standby only when none of the others is),
// proxy_handler retries a 503 (connection refused) on another member up
// to MaxAttempts times after marking the failed one in error, and stops
// at a 500 (DNS lookup failure); before each attempt force_recovery puts
// back members that are all in error. The lbmethod's counters and which members failed within
// their retry= period are run-time state: every member the lbmethod may
// take, from every such state, is tried, and the pick is decided when
// all ways end alike.
func PickMember(b *Balancer, w *World, bp BalancerParams) Pick {
	n := len(b.Members)
	if n == 0 {
		return Pick{Status: 503, Reason: b.Name + " has no members: no worker can serve the request (AH01171)"}
	}
	urls := make([]string, n)
	for i, m := range b.Members {
		urls[i] = m.URL
	}
	if n > maxPickMembers {
		return Pick{Members: urls, Undecided: "which of the " + strconv.Itoa(n) + " members of " + b.Name + " serves is decided per request"}
	}
	if bp.LBMethod == "heartbeat" {
		return Pick{Members: urls, Undecided: "lbmethod=heartbeat picks the members of " + b.Name + " by the heartbeats their servers send (mod_heartmonitor), not modelled"}
	}
	infos := make([]memberInfo, n)
	for i, m := range b.Members {
		infos[i] = memberOf(m, w)
		if infos[i].odd != "" {
			return Pick{Members: urls, Undecided: "member " + m.URL + " of " + b.Name + " has status " + infos[i].odd + ", whose effect on the choice is not modelled"}
		}
	}
	maxAttempts := bp.MaxAttempts
	if maxAttempts < 0 {
		maxAttempts = 0
		if n > 1 {
			maxAttempts = n - 1
		}
	}
	p := picker{infos: infos, maxAttempts: maxAttempts, forceRecovery: !bp.NoForceRecovery, memo: map[[2]int]uint64{}}
	// The members that fail may be in error already (a request failed on
	// them within their retry= period): each such set is a start.
	var failing []int
	for i, in := range infos {
		if (in.reach == ReachRefused || in.reach == ReachUnresolved) && !in.retry0 && !in.excluded {
			failing = append(failing, i)
		}
	}
	var all uint64
	for sub := 0; sub < 1<<len(failing); sub++ {
		errs := 0
		for j, i := range failing {
			if sub&(1<<j) != 0 {
				errs |= 1 << i
			}
		}
		all |= p.explore(errs, 0)
	}
	return p.decide(b, all, urls)
}

func memberOf(m Member, w *World) memberInfo {
	var in memberInfo
	t, err := MemberTarget(m)
	if err != nil {
		in.odd = err.Error()
		return in
	}
	in.target, in.reach = t, w.Reach(t)
	if in.reach == ReachOtherProtocol {
		in.reach = ReachUnknown // what a backend of another protocol answers is not modelled
	}
	for _, prm := range m.Params {
		switch syntax.ToLowerASCII(prm.Key) {
		case "status":
			on := true
			for _, c := range prm.Value {
				switch c {
				case '+':
					on = true
				case '-':
					on = false
				case 'D', 'd', 'S', 's', 'N', 'n':
					in.excluded = on
				case 'H', 'h':
					in.standby = on
				case 'E', 'e':
					// In error from the start with no error time: the
					// first retry check puts it back.
				default:
					if on {
						in.odd = prm.Value
					}
				}
			}
		case "lbset":
			in.lbset, _ = strconv.Atoi(prm.Value)
		case "retry":
			in.retry0 = strings.TrimSpace(prm.Value) == "0"
		}
	}
	return in
}

// outcome bits: bit 0 is a 503 by httpd itself; member i has bits
// 1+3i (up: its answer), 2+3i (unknown: the backend's answer), 3+3i
// (its host does not resolve: 500).
const outcome503 = 1

func outcomeBit(i int, r Reach) uint64 {
	switch r {
	case ReachUp:
		return 1 << (1 + 3*i)
	case ReachUnknown:
		return 1 << (2 + 3*i)
	}
	return 1 << (3 + 3*i)
}

type picker struct {
	infos         []memberInfo
	maxAttempts   int
	forceRecovery bool
	memo          map[[2]int]uint64
}

// candidates is find_best_worker's choice set with the members in error
// (errs, a bit set) skipped: the lowest lbset with a usable member, its
// hot standbys only when none of the others is usable.
func (p *picker) candidates(errs int) []int {
	usable := func(i int) bool {
		in := p.infos[i]
		return !in.excluded && (errs&(1<<i) == 0 || in.retry0)
	}
	maxSet := 0
	for _, in := range p.infos {
		maxSet = max(maxSet, in.lbset)
	}
	for set := 0; set <= maxSet; set++ {
		var normal, standby []int
		for i, in := range p.infos {
			if in.lbset != set || !usable(i) {
				continue
			}
			if in.standby {
				standby = append(standby, i)
			} else {
				normal = append(normal, i)
			}
		}
		if len(normal) > 0 {
			return normal
		}
		if len(standby) > 0 {
			return standby
		}
	}
	return nil
}

// explore is proxy_handler's loop from the state errs after attempts
// failed attempts: the set of outcomes it may end in.
func (p *picker) explore(errs, attempts int) uint64 {
	if p.forceRecovery && errs == 1<<len(p.infos)-1 {
		errs = 0 // force_recovery: every member is in error
	}
	key := [2]int{errs, attempts}
	if o, ok := p.memo[key]; ok {
		return o
	}
	p.memo[key] = 0 // a state cannot recur: attempts grows
	var out uint64
	cands := p.candidates(errs)
	if len(cands) == 0 {
		out = outcome503 // AH01170: All workers are in error state
	}
	for _, i := range cands {
		switch r := p.infos[i].reach; r {
		case ReachRefused:
			if p.maxAttempts > attempts {
				out |= p.explore(errs|1<<i, attempts+1)
			} else {
				out |= outcome503
			}
		default:
			out |= outcomeBit(i, r)
		}
	}
	p.memo[key] = out
	return out
}

func (p *picker) decide(b *Balancer, all uint64, urls []string) Pick {
	type way struct {
		member int
		reach  Reach
	}
	var ways []way
	has503 := all&outcome503 != 0
	for i := range p.infos {
		for _, r := range []Reach{ReachUp, ReachUnknown, ReachUnresolved} {
			if all&outcomeBit(i, r) != 0 {
				ways = append(ways, way{i, r})
			}
		}
	}
	if has503 && len(ways) == 0 {
		return Pick{Status: 503, Reason: "every member of " + b.Name + " refuses the connection (AH00957, AH01114) or is in error (AH01170: All workers are in error state)"}
	}
	if !has503 && len(ways) == 1 {
		w := ways[0]
		m := &b.Members[w.member]
		pk := Pick{Member: m, Reach: w.reach}
		switch w.reach {
		case ReachUp:
			pk.Status = 200
		case ReachUnresolved:
			pk.Status, pk.Reason = 500, "DNS lookup failure for: "+p.infos[w.member].target.Host+" (AH00898)"
		}
		return pk
	}
	var members []string
	seen := map[int]bool{}
	allUp, allUnknown := !has503, !has503
	for _, w := range ways {
		if !seen[w.member] {
			seen[w.member] = true
			members = append(members, urls[w.member])
		}
		allUp = allUp && w.reach == ReachUp
		allUnknown = allUnknown && w.reach == ReachUnknown
	}
	which := "which member of " + b.Name + " serves the request (" + strings.Join(members, ", ") + ") is decided per request by its lbmethod"
	switch {
	case allUp:
		return Pick{Status: 200, Members: members, Undecided: which}
	case allUnknown:
		return Pick{Members: members, Undecided: which + ", and whether they accept connections is not in the configuration (declare the backends that answer)"}
	}
	var desc []string
	if has503 {
		desc = append(desc, "503 (members refuse or are in error)")
	}
	for _, w := range ways {
		switch w.reach {
		case ReachUp:
			desc = append(desc, "the answer of "+urls[w.member])
		case ReachUnknown:
			desc = append(desc, "the answer of "+urls[w.member]+" (not known whether it answers)")
		case ReachUnresolved:
			desc = append(desc, "500 (DNS lookup failure for "+p.infos[w.member].target.Host+")")
		}
	}
	why := "the lbmethod's choice among the members of " + b.Name
	if bits.OnesCount64(all) > 1 && (has503 || p.anyFailing()) {
		why += " and which of them failed within their retry= period"
	}
	return Pick{Members: members, Undecided: why + " decide between " + strings.Join(desc, ", ")}
}

func (p *picker) anyFailing() bool {
	for _, in := range p.infos {
		if in.reach == ReachRefused || in.reach == ReachUnresolved {
			return true
		}
	}
	return false
}
