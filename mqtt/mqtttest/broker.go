// Package mqtttest starts a real mosquitto for tests: on a free loopback
// port, with a generated configuration (anonymous, no persistence),
// stopped when the test ends. Tests skip without mosquitto, unless
// PORTER_TEST_REQUIRE_MQTT=1 (as CI sets) makes them fail.
package mqtttest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// Broker is a real mosquitto on a free loopback port, started for one
// test and stopped when it ends.
type Broker struct {
	URL  string
	Addr string // host:port
	path string // the mosquitto binary
	conf string
	stop func() // stops the running mosquitto
}

// Start starts mosquitto, or skips the test when it is not
// installed (fails, with PORTER_TEST_REQUIRE_MQTT=1, as CI sets).
func Start(t testing.TB) *Broker {
	t.Helper()
	path, err := exec.LookPath("mosquitto")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/mosquitto"); serr == nil {
			path, err = "/usr/sbin/mosquitto", nil
		}
	}
	if err != nil {
		if os.Getenv("PORTER_TEST_REQUIRE_MQTT") == "1" {
			t.Fatal("mosquitto is not installed (apt-get install -y mosquitto) and PORTER_TEST_REQUIRE_MQTT=1")
		}
		t.Skip("mosquitto is not installed; set PORTER_TEST_REQUIRE_MQTT=1 to fail instead")
	}
	for attempt := 0; ; attempt++ {
		b, err := tryBroker(t, path)
		if err == nil {
			return b
		}
		if attempt == 2 {
			t.Fatal(err)
		}
	}
}

func tryBroker(t testing.TB, path string) (*Broker, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := filepath.Join(t.TempDir(), "mosquitto.conf")
	text := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n", port)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		return nil, err
	}
	b := &Broker{URL: fmt.Sprintf("mqtt://127.0.0.1:%d", port), Addr: fmt.Sprintf("127.0.0.1:%d", port), path: path, conf: conf}
	if err := b.Start(); err != nil {
		return nil, err
	}
	t.Cleanup(b.Stop)
	return b, nil
}

// Stop stops mosquitto, as a broker going away.
func (b *Broker) Stop() { b.stop() }

// Start runs mosquitto (again, after Stop) and waits until it listens.
func (b *Broker) Start() error {
	var out SyncBuffer
	cmd := exec.Command(b.path, "-c", b.conf)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	b.stop = func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}
	addr := b.Addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			return fmt.Errorf("mosquitto exited: %s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.Stop()
			return fmt.Errorf("mosquitto did not listen on %s: %s", addr, out.String())
		}
	}
	return nil
}

// Publish sends one message at QoS 1 and waits for the broker's ack.
func (b *Broker) Publish(t testing.TB, topic, payload string) {
	t.Helper()
	c := paho.NewClient(paho.NewClientOptions().AddBroker("tcp://" + b.Addr).SetClientID(fmt.Sprintf("test-pub-%d", time.Now().UnixNano())))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("connect publisher: %v", tok.Error())
	}
	defer c.Disconnect(100)
	if tok := c.Publish(topic, 1, false, payload); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publish: %v", tok.Error())
	}
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers (a log).
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// PublishMany sends payloads on topic at QoS 1 from one connection,
// without waiting for each acknowledgement before the next (a busy BMS
// gateway), and returns once the broker acknowledged them all.
func (b *Broker) PublishMany(t testing.TB, topic string, payloads []string) {
	t.Helper()
	c := paho.NewClient(paho.NewClientOptions().AddBroker("tcp://" + b.Addr).SetClientID(fmt.Sprintf("test-pub-%d", time.Now().UnixNano())))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("connect publisher: %v", tok.Error())
	}
	defer c.Disconnect(100)
	toks := make([]paho.Token, len(payloads))
	for i, p := range payloads {
		toks[i] = c.Publish(topic, 1, false, p)
	}
	for _, tok := range toks {
		if !tok.WaitTimeout(30*time.Second) || tok.Error() != nil {
			t.Fatalf("publish: %v", tok.Error())
		}
	}
}
