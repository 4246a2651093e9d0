import base64, time
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

def verify(public_key, headers, raw_body):
    """public_key: the webhook's public_key ("whpk_…"); raw_body: bytes."""
    msg_id, ts = headers.get("webhook-id"), headers.get("webhook-timestamp")
    if not msg_id or not ts or abs(time.time() - int(ts)) > 300:
        return False
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key.removeprefix("whpk_")))
    signed = f"{msg_id}.{ts}.".encode() + raw_body
    for entry in headers.get("webhook-signature", "").split():
        version, _, sig = entry.partition(",")
        if version == "v1a":
            try:
                key.verify(base64.b64decode(sig), signed)
                return True
            except InvalidSignature:
                pass
    return False
