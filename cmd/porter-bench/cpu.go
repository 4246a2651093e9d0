package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is Linux's USER_HZ, the unit of /proc/<pid>/stat's times; it
// is 100 on every architecture Go supports.
const clockTick = 100

// processCPU is the user+system CPU a running process has used so far,
// read from /proc (Linux); ok is false elsewhere. CPU per event is what a
// shared, loaded machine distorts least, unlike throughput.
func processCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces: count from its ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	k, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(u+k) * time.Second / clockTick, true
}

// nodesCPU sums processCPU over the porter serve processes.
func (b *runner) nodesCPU() (time.Duration, bool) {
	var sum time.Duration
	for _, cmd := range b.nodes {
		d, ok := processCPU(cmd.Process.Pid)
		if !ok {
			return 0, false
		}
		sum += d
	}
	return sum, len(b.nodes) > 0
}

// machineCPU is the CPU the whole machine has used so far, every core and
// process (the database server, the load process and the sink included),
// from /proc/stat (Linux); ok is false elsewhere.
func machineCPU() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, false
	}
	// user nice system idle iowait irq softirq steal: all but idle and
	// iowait are work.
	var sum int64
	for i, v := range f[1:9] {
		if i == 3 || i == 4 {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, false
		}
		sum += n
	}
	return time.Duration(sum) * time.Second / clockTick, true
}
