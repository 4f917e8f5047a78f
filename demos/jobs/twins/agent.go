// The job agent in Go: it runs one batch job and reports it to a tracker,
// speaking the protocol of docs/design/jobs.md (the same as gofer-agent and
// demos/jobs/twins/agent.py).
//
//	go build -o go-agent demos/jobs/twins/agent.go
//	go-agent --tracker http://127.0.0.1:8080 --job-id build-42 \
//	    [--heartbeat 5s] [--grace 5s] [--max-backoff 5s] \
//	    [--deliver-timeout 0s] [--token-file PATH] -- command args...
//
// It runs the command in a process group of its own, passes its stdout and
// stderr through, and reports to the tracker: start, a heartbeat per
// interval with the CPU % and RSS of the job's whole process tree (from
// /proc), its output in batches, and finish. Each event gets its seq when
// it is made and waits in an outbox until the tracker acknowledges it; one
// goroutine sends them, oldest first, and retries a failed send with capped
// exponential backoff and full jitter. SIGINT or SIGTERM to the agent, or
// "cancel": true in an answer of the tracker, cancels the job: SIGTERM to
// its process group, --grace, then SIGKILL. The heartbeat ticker, the
// job's output, the process's exit, the tracker's cancel and the signals
// are cases of one select in runJob.
//
// Unlike gofer-agent it has no --spool: the outbox lives in memory, so
// what was not delivered when the agent dies is lost. Each send is logged
// on stderr, one line per attempt, in the format that jobs.md describes
// and docs/learn/plot_jobs_timeline.py draws.
//
// Exit status: the job's own; 128 + the signal when a signal ended it; 127
// when it could not start; 2 for bad flags; 75 (EX_TEMPFAIL) when
// --deliver-timeout (or a signal after the job ended) stopped the delivery
// with events not yet acknowledged. Go 1.19, standard library only.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	program        = "go-agent"             // how its log lines start
	flushEvery     = 200 * time.Millisecond // output goes to the tracker in batches...
	flushAt        = 64 << 10               // ...or sooner, once a stream has this many bytes
	baseBackoff    = 100 * time.Millisecond // the first retry waits up to this, then doubling
	requestTimeout = 10 * time.Second       // for one request, the connect included
	drainAfterExit = time.Second            // to read what the job's descendants still write
	exTempfail     = 75
	clockTicks     = 100 // USER_HZ, the unit of CPU times in /proc: 100 on Linux
)

// An event as jobs.md defines it: seq, type, time_ms and the type's fields.
type event map[string]any

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s: %s %s\n", program, time.Now().Format("15:04:05.000"),
		fmt.Sprintf(format, args...))
}

// --- the tracker's HTTP API -------------------------------------------------

type tracker struct {
	prefix string // http://host:port/api/jobs/ID/
	token  string
	client *http.Client // keeps connections alive between requests
}

type answer struct {
	Stored *bool  `json:"stored"`
	Cancel bool   `json:"cancel"`
	Error  string `json:"error"`
}

func (t *tracker) post(e event) (int, answer, error) {
	var a answer
	body, err := json.Marshal(e)
	if err != nil {
		return 0, a, err
	}
	request, err := http.NewRequest("POST", t.prefix+e["type"].(string), bytes.NewReader(body))
	if err != nil {
		return 0, a, err
	}
	request.Header.Set("Content-Type", "application/json")
	// Events are idempotent (the tracker stores a seq once): saying so lets
	// net/http send one again on a new connection when the tracker had
	// closed the kept-alive one.
	request.Header.Set("Idempotency-Key", strconv.Itoa(e["seq"].(int)))
	if t.token != "" {
		request.Header.Set("Authorization", "Bearer "+t.token)
	}
	response, err := t.client.Do(request)
	if err != nil {
		return 0, a, err
	}
	defer response.Body.Close()
	data, err := io.ReadAll(io.LimitReader(response.Body, 1<<20))
	if err != nil {
		return 0, a, err
	}
	if len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, &a); err != nil && response.StatusCode == 200 {
			return 0, a, errBadAnswer
		}
	}
	return response.StatusCode, a, nil
}

var errBadAnswer = errors.New("bad answer")

// describe says what went wrong with a send, in the words of the send log.
func describe(err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, errBadAnswer):
		return "bad answer"
	}
	return strings.ToLower(err.Error())
}

// --- the outbox -------------------------------------------------------------

// outbox holds the events the tracker has not acknowledged. Main hands it
// each event on add, in seq order, and closes add after finish; run, a
// goroutine of its own, sends them oldest first, one request at a time,
// so a tracker that comes back receives them in order.
type outbox struct {
	add        chan event    // unbuffered: run is always ready to take one
	cancel     chan struct{} // an answer said "cancel": true (buffered 1)
	drained    chan struct{} // closed once add is closed and all is delivered
	pending    atomic.Int64  // events not yet acknowledged
	tracker    *tracker
	maxBackoff time.Duration
}

func (o *outbox) run() {
	var queue []event
	var result chan bool       // nil while no send is in flight
	var retry <-chan time.Time // nil while no backoff runs
	add, attempt := o.add, 0
	for {
		if len(queue) > 0 && result == nil && retry == nil {
			attempt++
			result = make(chan bool, 1)
			go o.send(queue[0], attempt, result)
		}
		if add == nil && len(queue) == 0 {
			close(o.drained)
			return
		}
		// A nil channel's case never runs: add after it is closed, result
		// with no send in flight, retry with no backoff.
		select {
		case e, ok := <-add:
			if !ok {
				add = nil
				continue
			}
			queue = append(queue, e)
		case done := <-result:
			result = nil
			if done {
				queue, attempt = queue[1:], 0
				o.pending.Add(-1)
				continue
			}
			// Capped exponential backoff with full jitter: a random wait up
			// to the cap, so agents that failed together do not all come
			// back at the same instant.
			ceiling := o.maxBackoff
			if attempt < 30 && baseBackoff<<(attempt-1) < ceiling {
				ceiling = baseBackoff << (attempt - 1)
			}
			retry = time.After(time.Duration(rand.Int63n(int64(ceiling) + 1)))
		case <-retry:
			retry = nil
		}
	}
}

// send makes one attempt and reports true once the event is done with
// (acknowledged, or refused for good), false to try again.
func (o *outbox) send(e event, attempt int, result chan<- bool) {
	what := fmt.Sprintf("send seq=%d type=%s attempt=%d ->", e["seq"], e["type"], attempt)
	status, a, err := o.tracker.post(e)
	switch {
	case err != nil:
		logf("%s %s", what, describe(err))
		result <- false
	case status == 200:
		stored, cancel := "stored", ""
		if a.Stored != nil && !*a.Stored {
			stored = "duplicate"
		}
		if a.Cancel {
			cancel = " cancel"
			select {
			case o.cancel <- struct{}{}:
			default: // asked already
			}
		}
		logf("%s 200 %s%s", what, stored, cancel)
		result <- true
	case status == 408 || status == 429 || status >= 500:
		logf("%s %d retry", what, status)
		result <- false
	default: // any other 4xx will never succeed: it is this agent's bug
		logf("%s %d dropped: %s", what, status, a.Error)
		result <- true
	}
}

// --- the job's process tree, from /proc -------------------------------------

type sample struct {
	cpu       float64 // seconds
	rss       int64   // bytes
	processes int
}

// sampleTree measures the job's tree now: the processes in its process
// group and every descendant of root (one that moved to a group of its own
// included). The CPU of each counts its reaped children too (cutime,
// cstime), so the work of a child that has already ended is not lost.
func sampleTree(root int) sample {
	type proc struct{ parent, group, ticks, pages int64 }
	procs := map[int64]proc{}
	names, _ := os.ReadDir("/proc")
	for _, name := range names {
		pid, err := strconv.ParseInt(name.Name(), 10, 64)
		if err != nil {
			continue
		}
		text, err := os.ReadFile("/proc/" + name.Name() + "/stat")
		if err != nil {
			continue // it ended meanwhile
		}
		// The command name (field 2) may hold spaces and ')': cut after it.
		fields := strings.Fields(string(text[bytes.LastIndexByte(text, ')')+2:]))
		number := func(i int) int64 { n, _ := strconv.ParseInt(fields[i], 10, 64); return n }
		procs[pid] = proc{
			parent: number(1),                                         // field 4
			group:  number(2),                                         // field 5
			ticks:  number(11) + number(12) + number(13) + number(14), // utime stime cutime cstime
			pages:  number(21),                                        // field 24, rss
		}
	}
	tree := map[int64]bool{int64(root): true}
	for pid, p := range procs {
		if p.group == int64(root) {
			tree[pid] = true
		}
	}
	for pid := range procs {
		var chain []int64
		ancestor := pid
		for {
			p, known := procs[ancestor]
			if !known || tree[ancestor] || ancestor <= 1 {
				break
			}
			chain = append(chain, ancestor)
			ancestor = p.parent
		}
		if tree[ancestor] {
			for _, p := range chain {
				tree[p] = true
			}
		}
	}
	var s sample
	var ticks int64
	for pid := range tree {
		if p, known := procs[pid]; known {
			ticks += p.ticks
			s.rss += p.pages * int64(os.Getpagesize())
			s.processes++
		}
	}
	s.cpu = float64(ticks) / clockTicks
	return s
}

// --- the job ----------------------------------------------------------------

type chunk struct {
	stream string
	data   []byte
}

// pump passes a stream of the job through and hands it on in chunks.
func pump(pipe *os.File, stream string, through *os.File, chunks chan<- chunk, quit <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		buffer := make([]byte, flushAt)
		n, err := pipe.Read(buffer)
		if n > 0 {
			through.Write(buffer[:n])
			select {
			case chunks <- chunk{stream, buffer[:n]}:
			case <-quit:
				return
			}
		}
		if err != nil {
			return // io.EOF: every writer has closed it
		}
	}
}

type options struct {
	tracker                   *tracker
	command                   []string
	heartbeat, grace          time.Duration
	maxBackoff, deliverWithin time.Duration
}

// runJob runs the job to its end and returns the agent's exit status.
func runJob(opts *options, add func(string, event), cancelAsked <-chan struct{}, signals <-chan os.Signal) int {
	host, _ := os.Hostname()
	start := event{"command": opts.command, "heartbeat_ms": opts.heartbeat.Milliseconds(),
		"agent": "go", "host": host}
	cmd := exec.Command(opts.command[0], opts.command[1:]...)
	// Setpgid: the job leads a process group of its own, so a signal to
	// the group reaches everything it started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Pipes of our own, not StdoutPipe: Wait closes a StdoutPipe as soon as
	// the process exits, maybe before everything in it has been read.
	stdout, stdoutW, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	stderr, stderrW, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	cmd.Stdout, cmd.Stderr = stdoutW, stderrW
	began := time.Now()
	err = cmd.Start()
	stdoutW.Close() // the job holds its own copies
	stderrW.Close()
	if err != nil {
		start["pid"] = 0
		add("start", start)
		add("finish", event{"outcome": "failed_to_start", "exit_code": 127, "signal": nil,
			"wall_ms": time.Since(began).Milliseconds(), "user_cpu_ms": 0, "system_cpu_ms": 0,
			"max_rss_bytes": 0, "error": err.Error()})
		fmt.Fprintf(os.Stderr, "%s: %v\n", program, err)
		return 127
	}
	pid := cmd.Process.Pid
	start["pid"] = pid
	add("start", start)
	logf("job started pid=%d", pid)

	chunks, quit, pumped := make(chan chunk), make(chan struct{}), make(chan struct{})
	var pumps sync.WaitGroup
	pumps.Add(2)
	go pump(stdout, "stdout", os.Stdout, chunks, quit, &pumps)
	go pump(stderr, "stderr", os.Stderr, chunks, quit, &pumps)
	go func() { pumps.Wait(); close(pumped) }()
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()

	// Output waits here until a flush: one output event per stream per
	// flush keeps the order within each stream.
	pending := map[string][]byte{}
	flush := func(streams ...string) {
		for _, stream := range streams {
			if len(pending[stream]) > 0 {
				add("output", event{"stream": stream,
					"data_b64": base64.StdEncoding.EncodeToString(pending[stream])})
				pending[stream] = nil
			}
		}
	}
	heartbeat := time.NewTicker(opts.heartbeat)
	defer heartbeat.Stop()
	flushTicker := time.NewTicker(flushEvery)
	defer flushTicker.Stop()
	last, sampled := sampleTree(pid), time.Now()
	cancelledBy := ""
	var kill <-chan time.Time // armed by a cancel: SIGKILL when the grace is over
	cancel := func(by string) {
		if cancelledBy == "" {
			cancelledBy = by
			logf("cancelling the job (asked by %s)", by)
			syscall.Kill(-pid, syscall.SIGTERM) // -pid: the whole group
			kill = time.After(opts.grace)
		}
	}

	for running := true; running; {
		select {
		case <-heartbeat.C:
			now, at := sampleTree(pid), time.Now()
			percent := math.Max(0, (now.cpu-last.cpu)/at.Sub(sampled).Seconds()*100)
			add("heartbeat", event{"cpu_percent": math.Round(percent*10) / 10,
				"rss_bytes": now.rss, "processes": now.processes})
			last, sampled = now, at
		case c := <-chunks:
			pending[c.stream] = append(pending[c.stream], c.data...)
			if len(pending[c.stream]) >= flushAt {
				flush(c.stream)
			}
		case <-flushTicker.C:
			flush("stdout", "stderr")
		case <-exited:
			running = false
		case <-cancelAsked:
			cancel("tracker")
		case sig := <-signals:
			cancel(map[os.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[sig])
		case <-kill:
			syscall.Kill(-pid, syscall.SIGKILL)
			kill = nil
		}
	}
	wall := time.Since(began)

	// A descendant may hold the pipes open after the job has ended: read
	// what it writes for a moment, then stop.
	drain := time.After(drainAfterExit)
	for draining := true; draining; {
		select {
		case c := <-chunks:
			pending[c.stream] = append(pending[c.stream], c.data...)
		case <-pumped:
			draining = false
		case <-drain:
			draining = false
		}
	}
	close(quit)
	stdout.Close()
	stderr.Close()
	flush("stdout", "stderr")

	state := cmd.ProcessState
	status := state.Sys().(syscall.WaitStatus)
	usage := state.SysUsage().(*syscall.Rusage) // wait4's
	finish := event{
		"exit_code":     nil,
		"signal":        nil,
		"wall_ms":       wall.Milliseconds(),
		"user_cpu_ms":   state.UserTime().Milliseconds(),
		"system_cpu_ms": state.SystemTime().Milliseconds(),
		"max_rss_bytes": usage.Maxrss * 1024,
		"error":         "",
	}
	exit := status.ExitStatus()
	if status.Signaled() {
		finish["signal"] = int(status.Signal())
		exit = 128 + int(status.Signal())
	} else {
		finish["exit_code"] = exit
	}
	switch {
	case cancelledBy != "":
		finish["outcome"] = "cancelled"
	case status.Signaled():
		finish["outcome"] = "killed"
	case exit == 0:
		finish["outcome"] = "succeeded"
	default:
		finish["outcome"] = "failed"
	}
	add("finish", finish)
	logf("job ended %s exit_code=%v signal=%v", finish["outcome"],
		none(finish["exit_code"]), none(finish["signal"]))
	return exit
}

// none prints a nil as Python prints None, so that the two agents log alike.
func none(v any) any {
	if v == nil {
		return "None"
	}
	return v
}

// --- main -------------------------------------------------------------------

func usage() {
	fmt.Fprintf(os.Stderr, "usage: %s --tracker URL --job-id ID [flags] -- command args...\n", program)
	flag.PrintDefaults()
}

func bad(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s: %s\n", program, fmt.Sprintf(format, args...))
	usage()
	os.Exit(2)
}

func parseFlags() *options {
	trackerURL := flag.String("tracker", "", "the tracker's URL, http://HOST:PORT")
	jobID := flag.String("job-id", "", "1-128 of [A-Za-z0-9._-]")
	opts := &options{}
	flag.DurationVar(&opts.heartbeat, "heartbeat", 5*time.Second, "the heartbeat interval")
	flag.DurationVar(&opts.grace, "grace", 5*time.Second, "from SIGTERM to SIGKILL when cancelling")
	flag.DurationVar(&opts.maxBackoff, "max-backoff", 5*time.Second, "the longest wait between tries")
	flag.DurationVar(&opts.deliverWithin, "deliver-timeout", 0,
		"how long to deliver after the job ended (0: forever)")
	tokenFile := flag.String("token-file", "", "a file holding the tracker's bearer token")
	flag.Usage = usage
	args := os.Args[1:]
	split := len(args)
	for i, arg := range args {
		if arg == "--" {
			split = i
			break
		}
	}
	flag.CommandLine.Parse(args[:split]) // exits with status 2 on a bad flag
	if split < len(args) {
		opts.command = args[split+1:]
	}
	switch {
	case flag.NArg() > 0:
		bad("unexpected %q: give the command after --", flag.Arg(0))
	case len(opts.command) == 0:
		bad("no command: give it after --")
	case *trackerURL == "" || *jobID == "":
		bad("--tracker and --job-id are required")
	case !regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`).MatchString(*jobID):
		bad("--job-id %q: want 1-128 of [A-Za-z0-9._-]", *jobID)
	case opts.heartbeat <= 0:
		bad("--heartbeat must be positive")
	}
	parsed, err := url.Parse(*trackerURL)
	if err != nil || parsed.Scheme != "http" || parsed.Host == "" {
		bad("--tracker %q: want http://HOST[:PORT]", *trackerURL)
	}
	opts.tracker = &tracker{
		prefix: strings.TrimSuffix(*trackerURL, "/") + "/api/jobs/" + *jobID + "/",
		client: &http.Client{Timeout: requestTimeout},
	}
	if *tokenFile != "" {
		token, err := os.ReadFile(*tokenFile)
		if err != nil {
			bad("--token-file: %v", err)
		}
		opts.tracker.token = strings.TrimSpace(string(token))
	}
	return opts
}

func main() {
	opts := parseFlags()
	signals := make(chan os.Signal, 1) // buffered: Notify drops what it cannot deliver
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)

	out := &outbox{add: make(chan event), cancel: make(chan struct{}, 1),
		drained: make(chan struct{}), tracker: opts.tracker, maxBackoff: opts.maxBackoff}
	go out.run() // sends from now on
	seq := 0
	add := func(kind string, e event) {
		seq++
		e["seq"], e["type"], e["time_ms"] = seq, kind, time.Now().UnixMilli()
		logf("queued seq=%d type=%s", seq, kind)
		out.pending.Add(1)
		out.add <- e
	}

	status := runJob(opts, add, out.cancel, signals)
	close(out.add)

	// The job has ended; deliver what is left, unless --deliver-timeout or
	// another signal ends the wait.
	var timeout <-chan time.Time // nil, so never, without --deliver-timeout
	if opts.deliverWithin > 0 {
		timeout = time.After(opts.deliverWithin)
	}
	select {
	case <-out.drained:
		os.Exit(status)
	case <-timeout:
	case <-signals:
	}
	logf("%d events not delivered; giving up", out.pending.Load())
	os.Exit(exTempfail)
}
