package porter_test

import (
	"os"
	"testing"

	"porter/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
