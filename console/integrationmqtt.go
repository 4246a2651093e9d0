package console

import (
	"encoding/json"
	"net/url"
	"strings"

	"porter"
)

// Settings → Integrations, BMS and IoT: the MQTT subscription fields of
// the create and edit forms. The topics are a JSON array, as the API
// takes them; the password is never shown, and left empty keeps the
// stored one.

// mqttForm is the subscription as typed.
type mqttForm struct {
	MQTTBrokerURL, MQTTUsername, MQTTTopics string
	MQTTHasPassword                         bool
}

func mqttFormOf(it *porter.Integration) mqttForm {
	if it.MQTT == nil {
		return mqttForm{}
	}
	b, err := json.MarshalIndent(it.MQTT.Topics, "", "  ")
	if err != nil {
		b = []byte("[]")
	}
	return mqttForm{MQTTBrokerURL: it.MQTT.BrokerURL, MQTTUsername: it.MQTT.Username, MQTTTopics: string(b), MQTTHasPassword: it.MQTT.HasPassword}
}

// readMQTTForm reads the subscription fields. With no broker URL the
// form sets none (create) or removes it (edit, when edit is true); msg
// names a field that cannot be read.
func readMQTTForm(p url.Values, edit bool) (f mqttForm, in *porter.IntegrationMQTTInput, msg string) {
	get := func(k string) string { return strings.TrimSpace(p.Get(k)) }
	f = mqttForm{MQTTBrokerURL: get("mqtt_broker_url"), MQTTUsername: get("mqtt_username"), MQTTTopics: p.Get("mqtt_topics")}
	if f.MQTTBrokerURL == "" {
		if edit {
			return f, &porter.IntegrationMQTTInput{}, ""
		}
		return f, nil, ""
	}
	in = &porter.IntegrationMQTTInput{BrokerURL: f.MQTTBrokerURL, Username: f.MQTTUsername}
	if pw := p.Get("mqtt_password"); pw != "" {
		in.Password = &pw
	}
	if strings.TrimSpace(f.MQTTTopics) != "" {
		if err := json.Unmarshal([]byte(f.MQTTTopics), &in.Topics); err != nil {
			return f, nil, "MQTT topics: a JSON array such as [{\"filter\": \"bms/+/alarm\", \"entity\": \"alarm\"}]: " + strings.TrimPrefix(err.Error(), "json: ") + "."
		}
	}
	return f, in, ""
}
