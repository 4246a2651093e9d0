//go:build !unix

package porter_test

import "time"

func cpuTime() time.Duration { return 0 }
