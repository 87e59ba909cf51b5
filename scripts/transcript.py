"""Print a conversation with a running Reflect over the REST channel, as a readable transcript.

Usage: python scripts/transcript.py [--url http://127.0.0.1:5005] [--sender demo] "hello" "next" ...
"""

import argparse
import json
import urllib.request


def say(url: str, sender: str, text: str) -> list[dict]:
    """Send one message and return the replies."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def main() -> None:
    """Send each message in turn and print the replies."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--sender", default="transcript")
    parser.add_argument("messages", nargs="+")
    args = parser.parse_args()
    for message in args.messages:
        print(f"\n> {message}")
        for reply in say(args.url, args.sender, message):
            if reply.get("text"):
                print("  " + reply["text"].replace("\n", "\n  "))
            buttons = reply.get("buttons") or []
            if buttons:
                print("  [" + "] [".join(b["title"] for b in buttons) + "]")


if __name__ == "__main__":
    main()
