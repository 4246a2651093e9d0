package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// The README's tour and webhook quick start, run as a reader would: every
// fenced block marked <!-- tested --> in order, as one shell session in a
// fresh directory, against the real server in-process. Each curl becomes
// an HTTP request and each `# → STATUS {…}` line under it is checked: the
// status, and every key and value shown (`…` stands for anything).
// Addresses are the README's (127.0.0.1:8080 for Porter, 127.0.0.1:9000
// for the receiver), mapped to loopback ports the test picked.
func TestREADMETour(t *testing.T) {
	blocks := readmeBlocks(t)
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			s := newTourSession(t, db)
			for _, b := range blocks {
				switch b.kind {
				case "":
					s.runBlock(b)
				case "receiver.py":
					s.receiverScript = b.text
				case "receiver output":
					s.checkReceiverOutput(b)
				default:
					t.Fatalf("README line %d: unknown test marker %q", b.line, b.kind)
				}
			}
			if s.server == nil || s.receiver == nil || s.requests < 10 {
				t.Fatalf("the README tour ran too little: server %v, receiver %v, %d requests", s.server != nil, s.receiver != nil, s.requests)
			}
		})
	}
}

// Every X-PM-Delivery the README shows has the shape of a real one.
func TestREADMEDeliveryHeaderShape(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	real := "att_" + strings.Repeat("0a", 12) // webhook.NewAttemptID's form, checked live by TestREADMETour
	found := regexp.MustCompile(`X-PM-Delivery: (\S+)`).FindAllStringSubmatch(string(raw), -1)
	if len(found) == 0 {
		t.Fatal("the README shows no X-PM-Delivery")
	}
	for _, m := range found {
		if shape(m[1]) != shape(real) {
			t.Errorf("README X-PM-Delivery %q is not shaped like %q", m[1], real)
		}
	}
}

type readmeBlock struct {
	kind string // "" for commands, else the marker's name
	line int
	text string
}

var blockMarker = regexp.MustCompile(`^<!-- tested(?:: (.+?))? -->$`)

func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	var blocks []readmeBlock
	for i := 0; i < len(lines); i++ {
		m := blockMarker.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "```") {
			t.Fatalf("README line %d: <!-- tested --> is not followed by a fenced block", i+1)
		}
		b := readmeBlock{kind: m[1], line: i + 3}
		var body []string
		for i += 2; i < len(lines) && lines[i] != "```"; i++ {
			body = append(body, lines[i])
		}
		b.text = strings.Join(body, "\n") + "\n"
		blocks = append(blocks, b)
	}
	if len(blocks) < 8 {
		t.Fatalf("found %d tested blocks in the README", len(blocks))
	}
	return blocks
}

// tourSession is the reader's shell: variables, the server they started,
// the receiver, and the last command's output.
type tourSession struct {
	t              *testing.T
	db, dataDir    string
	vars           map[string]string
	server         *tourServer
	last           string
	receiverLn     net.Listener // holds the receiver's port until it starts
	receiverAddr   string
	receiverScript string
	receiver       *syncBuffer
	requests       int
}

type tourServer struct {
	base   string
	stdout *syncBuffer
	stderr *syncBuffer
	stop   func()
}

const readmeBase, readmeReceiver = "http://127.0.0.1:8080", "127.0.0.1:9000"

func newTourSession(t *testing.T, db string) *tourSession {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return &tourSession{t: t, db: db, dataDir: t.TempDir(), vars: map[string]string{}, receiverLn: ln, receiverAddr: ln.Addr().String()}
}

// local maps the README's addresses to the test's.
func (s *tourSession) local(text string) string {
	if s.server != nil {
		text = strings.ReplaceAll(text, readmeBase, s.server.base)
	}
	return strings.ReplaceAll(text, readmeReceiver, s.receiverAddr)
}

type tourCommand struct {
	line   int
	text   string
	expect string // after "# →"
}

// commands splits a block into commands (joining continued lines) and the
// `# →` expectations below them.
func commands(t *testing.T, b readmeBlock) []tourCommand {
	var cmds []tourCommand
	lines := strings.Split(strings.TrimRight(b.text, "\n"), "\n")
	inExpect := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "# →"):
			if len(cmds) == 0 {
				t.Fatalf("README line %d: an answer with no command above it", b.line+i)
			}
			cmds[len(cmds)-1].expect = strings.TrimSpace(strings.TrimPrefix(trimmed, "# →"))
			inExpect = true
		case inExpect && strings.HasPrefix(trimmed, "#") && strings.HasPrefix(strings.TrimPrefix(trimmed, "#"), "  "):
			cmds[len(cmds)-1].expect += strings.TrimSpace(strings.TrimPrefix(trimmed, "#"))
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			inExpect = false
		default:
			inExpect = false
			c := tourCommand{line: b.line + i, text: line}
			for strings.HasSuffix(c.text, "\\") && i+1 < len(lines) {
				i++
				c.text = strings.TrimSuffix(c.text, "\\") + " " + strings.TrimSpace(lines[i])
			}
			cmds = append(cmds, c)
		}
	}
	return cmds
}

func (s *tourSession) runBlock(b readmeBlock) {
	for _, c := range commands(s.t, b) {
		s.t.Logf("README line %d: %s", c.line, c.text)
		s.run(c)
	}
}

// run runs one command line as the shell and the README's tools would.
func (s *tourSession) run(c tourCommand) {
	t := s.t
	words := s.words(c)
	env := map[string]string{}
	for len(words) > 0 && regexp.MustCompile(`^[A-Z_]+=`).MatchString(words[0]) {
		k, v, _ := strings.Cut(words[0], "=")
		env[k] = v
		words = words[1:]
	}
	if len(words) == 0 {
		t.Fatalf("README line %d: no command in %q", c.line, c.text)
	}
	switch words[0] {
	case "go":
		if len(words) < 2 || words[1] != "build" {
			t.Fatalf("README line %d: the test runs only go build, not %q", c.line, c.text)
		}
		// The test is the build: porter runs in-process.
	case "./porter":
		if len(words) > 1 && words[1] == "serve" {
			s.startServer(env, words[2:], c)
			return
		}
		s.last = s.porter(env, words[1:], c)
	case "export":
		for _, w := range words[1:] {
			k, v, ok := strings.Cut(w, "=")
			if !ok {
				t.Fatalf("README line %d: export %q", c.line, w)
			}
			if prefix, _, ok := strings.Cut(v, "…"); ok {
				// "paste the value from the answer above"
				m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `[A-Za-z0-9_+/=-]+`).FindString(s.last)
				if m == "" {
					t.Fatalf("README line %d: no %s… in the output above:\n%s", c.line, prefix, s.last)
				}
				v = m
			}
			s.vars[k] = v
		}
	case "curl":
		s.curl(words[1:], c)
	case "python3":
		if len(words) != 2 || words[1] != "receiver.py" {
			t.Fatalf("README line %d: the test runs only python3 receiver.py", c.line)
		}
		s.startReceiver(c)
	default:
		t.Fatalf("README line %d: the test cannot run %q; teach readme_test.go or change the README", c.line, words[0])
	}
	if c.expect != "" && words[0] != "curl" {
		t.Fatalf("README line %d: only curl answers are checked, not %q", c.line, words[0])
	}
}

// words splits a command line as sh does, for the quoting the README
// uses: '…', "…" with $VAR, $VAR, $(command | tail -n 1) and # comments.
func (s *tourSession) words(c tourCommand) []string {
	t := s.t
	in := []rune(c.text)
	var words []string
	var cur strings.Builder
	inWord := false
	variable := func(i int) (string, int) {
		j := i + 1
		for j < len(in) && (in[j] == '_' || unicode.IsUpper(in[j]) || unicode.IsDigit(in[j])) {
			j++
		}
		name := string(in[i+1 : j])
		v, ok := s.vars[name]
		if !ok {
			t.Fatalf("README line %d: $%s is used before it is set", c.line, name)
		}
		return v, j
	}
	for i := 0; i < len(in); i++ {
		r := in[i]
		switch {
		case r == '#' && !inWord:
			i = len(in)
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '\'':
			j := i + 1
			for j < len(in) && in[j] != '\'' {
				j++
			}
			cur.WriteString(string(in[i+1 : j]))
			i, inWord = j, true
		case r == '"':
			j := i + 1
			for j < len(in) && in[j] != '"' {
				switch {
				case in[j] == '\\' && j+1 < len(in):
					cur.WriteRune(in[j+1])
					j += 2
				case in[j] == '$':
					v, next := variable(j)
					cur.WriteString(v)
					j = next
				default:
					cur.WriteRune(in[j])
					j++
				}
			}
			i, inWord = j, true
		case r == '$' && i+1 < len(in) && in[i+1] == '(':
			depth, j := 1, i+2
			for ; j < len(in) && depth > 0; j++ {
				switch in[j] {
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			cur.WriteString(s.substitute(tourCommand{line: c.line, text: string(in[i+2 : j-1])}))
			i, inWord = j-1, true
		case r == '$':
			v, next := variable(i)
			cur.WriteString(v)
			i, inWord = next-1, true
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// substitute runs $(…): a porter command, optionally | tail -n 1.
func (s *tourSession) substitute(c tourCommand) string {
	cmd, pipe, piped := strings.Cut(c.text, "|")
	if piped && strings.Join(strings.Fields(pipe), " ") != "tail -n 1" {
		s.t.Fatalf("README line %d: the test knows only | tail -n 1, not %q", c.line, pipe)
	}
	words := s.words(tourCommand{line: c.line, text: cmd})
	if len(words) < 2 || words[0] != "./porter" || words[1] == "serve" {
		s.t.Fatalf("README line %d: $(%s) is not a porter command", c.line, c.text)
	}
	out := s.porter(nil, words[1:], c)
	if piped {
		return lastLine(out)
	}
	return strings.TrimRight(out, "\n")
}

// porterEnv is the reader's environment: a fresh directory's database
// (PORTER_DB is how the test picks the engine) and data directory.
func (s *tourSession) porterEnv(extra map[string]string) func(string) string {
	env := map[string]string{"PORTER_DB": s.db, "PORTER_DATA_DIR": s.dataDir, "PORTER_ADDR": "127.0.0.1:0"}
	for k, v := range extra {
		env[k] = v
	}
	return func(k string) string { return env[k] }
}

func (s *tourSession) porter(env map[string]string, args []string, c tourCommand) string {
	var out, errb syncBuffer
	if err := run(context.Background(), args, s.porterEnv(env), &out, &errb); err != nil {
		s.t.Fatalf("README line %d: porter %s: %v\n%s", c.line, strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// startServer stops the server the reader started before (Ctrl-C) and
// starts this one.
func (s *tourSession) startServer(env map[string]string, args []string, c tourCommand) {
	t := s.t
	if s.server != nil {
		s.server.stop()
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := &tourServer{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), s.porterEnv(env), srv.stdout, srv.stderr) }()
	stopped := false
	srv.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("README line %d: serve: %v", c.line, err)
			}
		case <-time.After(45 * time.Second):
			t.Errorf("README line %d: serve did not stop", c.line)
		}
	}
	t.Cleanup(srv.stop)
	deadline := time.Now().Add(60 * time.Second)
	for srv.base == "" {
		if m := listening.FindStringSubmatch(srv.stderr.String()); m != nil {
			srv.base = "http://" + m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("README line %d: serve exited: %v\n%s", c.line, err, srv.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("README line %d: serve did not start:\n%s", c.line, srv.stderr.String())
		}
	}
	s.server, s.last = srv, srv.stdout.String()
}

// curl sends the request curl would, and checks the documented answer.
func (s *tourSession) curl(args []string, c tourCommand) {
	t := s.t
	if s.server == nil {
		t.Fatalf("README line %d: curl before the server was started", c.line)
	}
	method, url, data := "", "", ""
	header := http.Header{}
	hasData := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() string {
			if i+1 >= len(args) {
				t.Fatalf("README line %d: curl %s needs a value", c.line, a)
			}
			i++
			return args[i]
		}
		switch a {
		case "-X", "--request":
			method = next()
		case "-H", "--header":
			k, v, ok := strings.Cut(next(), ":")
			if !ok {
				t.Fatalf("README line %d: curl header %q", c.line, args[i])
			}
			header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		case "-d", "--data":
			data, hasData = s.local(next()), true
		case "-s", "-sS", "-S":
		default:
			if strings.HasPrefix(a, "-") || url != "" {
				t.Fatalf("README line %d: the test does not know curl %s", c.line, a)
			}
			url = a
		}
	}
	if method == "" {
		method = "GET"
		if hasData {
			method = "POST"
		}
	}
	if hasData && header.Get("Content-Type") == "" {
		header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if !strings.HasPrefix(url, readmeBase+"/") {
		t.Fatalf("README line %d: curl to %q, not to %s", c.line, url, readmeBase)
	}
	req, err := http.NewRequest(method, s.local(url), strings.NewReader(data))
	if err != nil {
		t.Fatalf("README line %d: %v", c.line, err)
	}
	req.Header = header
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("README line %d: %v", c.line, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	s.requests++
	s.last = string(body)
	if c.expect == "" {
		if res.StatusCode/100 != 2 {
			t.Fatalf("README line %d: %d %s", c.line, res.StatusCode, body)
		}
		return
	}
	status, pattern, _ := strings.Cut(c.expect, " ")
	if status != strconv.Itoa(res.StatusCode) {
		t.Fatalf("README line %d: status %d, the README says %s: %s", c.line, res.StatusCode, status, body)
	}
	if pattern = strings.TrimSpace(pattern); pattern != "" {
		if err := matchJSON(s.local(pattern), body, false); err != nil {
			t.Fatalf("README line %d: %v\nthe README says: %s\nthe server said: %s", c.line, err, pattern, body)
		}
	}
}

// startReceiver runs the README's receiver.py on the port the test holds,
// or, without Python, a Go receiver that prints what it would.
func (s *tourSession) startReceiver(c tourCommand) {
	t := s.t
	secret, ok := s.vars["PORTER_SECRET"]
	if !ok || s.receiverScript == "" {
		t.Fatalf("README line %d: the receiver starts without PORTER_SECRET or receiver.py", c.line)
	}
	s.receiver = &syncBuffer{}
	_, port, _ := net.SplitHostPort(s.receiverAddr)
	if strings.Count(s.receiverScript, "PORT = 9000") != 1 {
		t.Fatalf("receiver.py should set PORT = 9000 once")
	}
	python, err := exec.LookPath("python3")
	if err == nil && exec.Command(python, "-c", "pass").Run() == nil {
		s.receiverLn.Close()
		script := filepath.Join(t.TempDir(), "receiver.py")
		if err := os.WriteFile(script, []byte(strings.Replace(s.receiverScript, "PORT = 9000", "PORT = "+port, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(python, script)
		cmd.Env = append(os.Environ(), "PORTER_SECRET="+secret)
		cmd.Stdout, cmd.Stderr = s.receiver, s.receiver
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		t.Cleanup(func() { cmd.Process.Kill(); <-exited })
		for deadline := time.Now().Add(20 * time.Second); ; {
			if conn, err := net.Dial("tcp", s.receiverAddr); err == nil {
				conn.Close()
				return
			}
			select {
			case <-exited:
				t.Fatalf("receiver.py exited: %s", s.receiver.String())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("receiver.py did not listen: %s", s.receiver.String())
			}
		}
	}
	t.Log("python3 is not installed: a Go receiver stands in for receiver.py")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(body)
		ok := hmac.Equal([]byte("sha256="+hex.EncodeToString(m.Sum(nil))), []byte(r.Header.Get("X-PM-Signature")))
		var out strings.Builder
		for _, name := range []string{"X-PM-Event", "X-PM-Delivery", "webhook-id", "X-PM-Signature"} {
			fmt.Fprintf(&out, "%s: %s\n", name, r.Header.Get(name))
		}
		fmt.Fprintf(&out, "signature %s\n%s\n", map[bool]string{true: "valid", false: "INVALID"}[ok], body)
		s.receiver.Write([]byte(out.String()))
		if !ok {
			w.WriteHeader(401)
		}
	})}
	fmt.Fprintf(s.receiver, "listening on http://%s/hook\n", s.receiverAddr)
	go srv.Serve(s.receiverLn)
	t.Cleanup(func() { srv.Close() })
}

// checkReceiverOutput waits for the first delivery the receiver printed
// and compares it with the README's: the same lines, header values of the
// same shape, and the body matching.
func (s *tourSession) checkReceiverOutput(b readmeBlock) {
	t := s.t
	if s.receiver == nil {
		t.Fatalf("README line %d: receiver output before the receiver runs", b.line)
	}
	want := strings.Split(strings.TrimRight(b.text, "\n"), "\n")
	var got []string
	for deadline := time.Now().Add(20 * time.Second); ; {
		// What the receiver printed from its first delivery on.
		got = nil
		sc := bufio.NewScanner(strings.NewReader(s.receiver.String()))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if len(got) > 0 || strings.HasPrefix(sc.Text(), "X-PM-Event:") {
				got = append(got, sc.Text())
			}
		}
		if len(got) >= len(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("README line %d: the receiver printed, within 20 s:\n%s", b.line, s.receiver.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	got = got[:len(want)]
	values := map[string]string{}
	for i, w := range want {
		g := got[i]
		switch {
		case strings.HasPrefix(w, "{"):
			if err := matchJSON(w, []byte(g), true); err != nil {
				t.Errorf("README line %d: %v\nthe README says: %s\nthe receiver printed: %s", b.line+i, err, w, g)
			}
			var env struct{ ID string }
			json.Unmarshal([]byte(g), &env)
			values["body id"] = env.ID
		case strings.Contains(w, ": "):
			wn, wv, _ := strings.Cut(w, ": ")
			gn, gv, _ := strings.Cut(g, ": ")
			values[gn] = gv
			if wn != gn || (wn == "X-PM-Event" && wv != gv) || shape(wv) != shape(gv) {
				t.Errorf("README line %d: receiver printed %q, the README shows %q", b.line+i, g, w)
			}
		default:
			if w != g {
				t.Errorf("README line %d: receiver printed %q, the README shows %q", b.line+i, g, w)
			}
		}
	}
	if values["webhook-id"] == "" || values["webhook-id"] != values["body id"] {
		t.Errorf("webhook-id %q is not the event's id %q", values["webhook-id"], values["body id"])
	}
	if !regexp.MustCompile(`^att_[0-9a-f]{24}$`).MatchString(values["X-PM-Delivery"]) {
		t.Errorf("X-PM-Delivery %q", values["X-PM-Delivery"])
	}
}

// shape keeps what a value's format promises: hex runs become their
// length, digit runs one digit.
func shape(s string) string {
	s = regexp.MustCompile(`[0-9a-f]{8,}`).ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat("X", len(m)) })
	return regexp.MustCompile(`[0-9]+`).ReplaceAllString(s, "9")
}

// matchJSON checks body against a README pattern: JSON where `…` may
// stand for more members or elements, for a value, or inside a string.
// Objects without `…` must have exactly the keys shown. byShape compares
// strings by shape alone (ids and times of a sample).
func matchJSON(pattern string, body []byte, byShape bool) error {
	p := &patternParser{in: []rune(pattern), byShape: byShape}
	want, err := p.value()
	if err == nil && p.skip() < len(p.in) {
		err = fmt.Errorf("pattern: trailing %q", string(p.in[p.pos:]))
	}
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	var got any
	if err := dec.Decode(&got); err != nil {
		return fmt.Errorf("answer is not JSON: %v", err)
	}
	return want.match("$", got)
}

type jsonPattern struct {
	kind  byte // o(bject) a(rray) s(tring) n(umber) l(iteral) *(anything)
	keys  []string
	vals  []*jsonPattern
	open  bool // … among the members or elements
	str   string
	shape bool // compare a string by its shape
	value string
}

type patternParser struct {
	in      []rune
	pos     int
	byShape bool
}

func (p *patternParser) skip() int {
	for p.pos < len(p.in) && unicode.IsSpace(p.in[p.pos]) {
		p.pos++
	}
	return p.pos
}

func (p *patternParser) peek() rune {
	if p.skip() >= len(p.in) {
		return 0
	}
	return p.in[p.pos]
}

func (p *patternParser) expect(r rune) error {
	if p.peek() != r {
		return fmt.Errorf("pattern: want %q at %d in %q", r, p.pos, string(p.in))
	}
	p.pos++
	return nil
}

func (p *patternParser) value() (*jsonPattern, error) {
	switch r := p.peek(); {
	case r == '…':
		p.pos++
		return &jsonPattern{kind: '*'}, nil
	case r == '{':
		p.pos++
		o := &jsonPattern{kind: 'o'}
		for p.peek() != '}' {
			if p.peek() == '…' {
				p.pos++
				o.open = true
			} else {
				k, err := p.str()
				if err != nil {
					return nil, err
				}
				if err := p.expect(':'); err != nil {
					return nil, err
				}
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				o.keys, o.vals = append(o.keys, k), append(o.vals, v)
			}
			if p.peek() == ',' {
				p.pos++
			} else if p.peek() != '}' {
				return nil, p.expect('}')
			}
		}
		p.pos++
		return o, nil
	case r == '[':
		p.pos++
		a := &jsonPattern{kind: 'a'}
		for p.peek() != ']' {
			if p.peek() == '…' {
				p.pos++
				a.open = true
			} else {
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				a.vals = append(a.vals, v)
			}
			if p.peek() == ',' {
				p.pos++
			} else if p.peek() != ']' {
				return nil, p.expect(']')
			}
		}
		p.pos++
		return a, nil
	case r == '"':
		s, err := p.str()
		return &jsonPattern{kind: 's', str: s, shape: p.byShape}, err
	default:
		start := p.pos
		for p.pos < len(p.in) && strings.ContainsRune("-+.0123456789eEtruefalsn", p.in[p.pos]) {
			p.pos++
		}
		lit := string(p.in[start:p.pos])
		switch {
		case lit == "true" || lit == "false" || lit == "null":
			return &jsonPattern{kind: 'l', value: lit}, nil
		case lit != "":
			if _, err := strconv.ParseFloat(lit, 64); err == nil {
				return &jsonPattern{kind: 'n', value: lit}, nil
			}
		}
		return nil, fmt.Errorf("pattern: bad value at %d in %q", start, string(p.in))
	}
}

func (p *patternParser) str() (string, error) {
	if err := p.expect('"'); err != nil {
		return "", err
	}
	start := p.pos - 1
	for p.pos < len(p.in) && p.in[p.pos] != '"' {
		if p.in[p.pos] == '\\' {
			p.pos++
		}
		p.pos++
	}
	p.pos++
	var s string
	if err := json.Unmarshal([]byte(string(p.in[start:min(p.pos, len(p.in))])), &s); err != nil {
		return "", fmt.Errorf("pattern: string at %d: %v", start, err)
	}
	return s, nil
}

func (w *jsonPattern) match(path string, got any) error {
	switch w.kind {
	case '*':
		return nil
	case 'o':
		m, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want an object, got %v", path, got)
		}
		for i, k := range w.keys {
			v, ok := m[k]
			if !ok {
				return fmt.Errorf("%s: no %q", path, k)
			}
			if err := w.vals[i].match(path+"."+k, v); err != nil {
				return err
			}
		}
		if !w.open && len(m) != len(w.keys) {
			return fmt.Errorf("%s: has %d keys, the README shows %d and no …", path, len(m), len(w.keys))
		}
	case 'a':
		a, ok := got.([]any)
		if !ok {
			return fmt.Errorf("%s: want an array, got %v", path, got)
		}
		if len(a) < len(w.vals) || (!w.open && len(a) != len(w.vals)) {
			return fmt.Errorf("%s: %d elements, the README shows %d", path, len(a), len(w.vals))
		}
		for i, v := range w.vals {
			if err := v.match(fmt.Sprintf("%s[%d]", path, i), a[i]); err != nil {
				return err
			}
		}
	case 's':
		s, ok := got.(string)
		if !ok {
			return fmt.Errorf("%s: want a string, got %v", path, got)
		}
		if w.shape && !strings.Contains(w.str, "…") {
			if shape(s) != shape(w.str) {
				return fmt.Errorf("%s: %q is not shaped like %q", path, s, w.str)
			}
			return nil
		}
		parts := strings.Split(w.str, "…")
		if len(parts) == 1 && s != w.str {
			return fmt.Errorf("%s: %q, the README shows %q", path, s, w.str)
		}
		rest := s
		for i, part := range parts {
			j := strings.Index(rest, part)
			if j < 0 || (i == 0 && j != 0) {
				return fmt.Errorf("%s: %q does not fit %q", path, s, w.str)
			}
			rest = rest[j+len(part):]
		}
		if last := parts[len(parts)-1]; !strings.HasSuffix(s, last) {
			return fmt.Errorf("%s: %q does not fit %q", path, s, w.str)
		}
	case 'n':
		n, ok := got.(json.Number)
		want, _ := strconv.ParseFloat(w.value, 64)
		if f, err := n.Float64(); !ok || err != nil || f != want {
			return fmt.Errorf("%s: %v, the README shows %s", path, got, w.value)
		}
	case 'l':
		if fmt.Sprint(got) != map[string]string{"true": "true", "false": "false", "null": "<nil>"}[w.value] {
			return fmt.Errorf("%s: %v, the README shows %s", path, got, w.value)
		}
	}
	return nil
}
