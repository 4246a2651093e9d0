package porter

import "testing"

func TestWithArticle(t *testing.T) {
	for in, want := range map[string]string{
		"active lease":            "an active lease",
		"active or expired lease": "an active or expired lease",
		"draft lease":             "a draft lease",
		"in_progress inspection":  "an in_progress inspection",
		"scheduled inspection":    "a scheduled inspection",
		"submitted inspection":    "a submitted inspection",
		"open charge":             "an open charge",
		"expired lease":           "an expired lease",
		"unit":                    "a unit",
		"unpaid charge":           "an unpaid charge",
		"Open or Assigned order":  "an Open or Assigned order",
		"hour":                    "an hour",
		"one-off charge":          "a one-off charge",
		"user":                    "a user",
		"":                        "a ",
	} {
		if got := withArticle(in); got != want {
			t.Errorf("withArticle(%q) = %q, want %q", in, got, want)
		}
	}
}
