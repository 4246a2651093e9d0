package porter

import "testing"

func TestMatchTopic(t *testing.T) {
	for _, c := range []struct {
		filter, topic string
		want          bool
	}{
		{"bms/+/alarm", "bms/boiler-2/alarm", true},
		{"bms/+/alarm", "bms/boiler-2/x/alarm", false},
		{"bms/#", "bms", true},
		{"bms/#", "bms/a/b/c", true},
		{"#", "anything/at/all", true},
		{"#", "$SYS/broker/load", false},
		{"$SYS/#", "$SYS/broker/load", true},
		{"bms/+", "bms/", true},
		{"bms/a", "bms/a/b", false},
		{"+/+", "a/b", true},
	} {
		if got := matchTopic(c.filter, c.topic); got != c.want {
			t.Errorf("matchTopic(%q, %q) = %v, want %v", c.filter, c.topic, got, c.want)
		}
	}
}

func TestValidateTopicFilter(t *testing.T) {
	for _, c := range []struct {
		filter string
		ok     bool
	}{
		{"bms/+/alarm", true}, {"#", true}, {"bms/#", true}, {"+", true}, {"$SYS/#", true},
		{"", false}, {"bms/#/x", false}, {"bms#", false}, {"bms/a+", false}, {"$share/g/bms", false}, {"a\x00b", false},
	} {
		if msg := validateTopicFilter(c.filter); (msg == "") != c.ok {
			t.Errorf("validateTopicFilter(%q) = %q, want ok %v", c.filter, msg, c.ok)
		}
	}
}
