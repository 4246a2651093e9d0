package storetest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of CPU times in /proc: USER_HZ, 100 on every
// Linux Go runs on.
const clockTick = 10 * time.Millisecond

// PostgresCPU is the CPU time, user and system, that the PostgreSQL
// server this binary started has used so far: the postmaster, every
// backend and background process (they share its process group), and its
// children that have exited. Benchmarks that report CPU per operation add
// it to their own. It fails when the server was not started here (an
// external PORTER_TEST_POSTGRES_URL) or /proc cannot be read.
func PostgresCPU() (time.Duration, error) {
	if serverProc == nil || serverProc.Process == nil {
		return 0, errors.New("PostgreSQL was not started by this test binary: its CPU time is unknown")
	}
	leader := serverProc.Process.Pid
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return 0, err
	}
	var ticks int64
	found := false
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // exited meanwhile: its time is in the leader's cutime
		}
		f := procFields(string(b))
		if len(f) < 17 {
			continue
		}
		// Fields from 3 (state), as proc(5) numbers them: pgrp is 5,
		// utime 14, stime 15, cutime 16, cstime 17.
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		pgrp, _ := strconv.Atoi(f[5-3])
		if pgrp != leader && pid != leader {
			continue
		}
		n := []int{14, 15}
		if pid == leader {
			found = true
			n = append(n, 16, 17)
		}
		for _, i := range n {
			v, err := strconv.ParseInt(f[i-3], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s: field %d: %w", p, i, err)
			}
			ticks += v
		}
	}
	if !found {
		return 0, fmt.Errorf("PostgreSQL server process %d not found in /proc", leader)
	}
	return time.Duration(ticks) * clockTick, nil
}

// procFields splits /proc/<pid>/stat after the command name, which may
// hold spaces and parentheses: the first field returned is the state.
func procFields(s string) []string {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(s[i+1:])
}
