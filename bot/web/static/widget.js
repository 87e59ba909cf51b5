/*
 * Reflect chat widget: plain JS, no build step, no framework.
 *
 * Embed:
 *   <script src="https://HOST/widget.js" data-server="https://RASA-HOST" data-title="Reflect" defer></script>
 * Optional attributes: data-mode="inline" (render where the script tag is, no launcher),
 * data-open="true" (panel starts open), data-remember="true" (see STORAGE_KEY) and
 * data-pack="<pack id>" (a new conversation starts on that briefing, if the server offers it).
 *
 * It speaks the protocol in docs/widget-protocol.md with the Rasa server's socket.io channel.
 * Message text is Markdown from the server; it is turned into DOM nodes with createElement and
 * textContent only (never innerHTML), so nothing a message contains can become markup or script.
 * Non-ASCII characters are written as \u escapes, so the file works whatever charset it is served
 * with.
 */
(function () {
  "use strict";

  if (window.__reflectWidgetLoaded) {
    return; // the snippet was pasted twice: one widget is enough
  }
  window.__reflectWidgetLoaded = true;

  // The session token. In sessionStorage by default: it goes when the tab or browser is closed,
  // so on a shared PC the next person never resumes someone else's conversation. A site may
  // opt in to localStorage (kept across browser restarts) with data-remember="true".
  const STORAGE_KEY = "reflect.session";
  // The follow-up token (docs/widget-protocol.md, "The follow-up"): only after the practitioner
  // opts in to be asked again in about three months, in localStorage because the question comes
  // on a later visit, long after the session token has gone. It says nothing about the chat.
  const FOLLOWUP_KEY = "reflect.followup";
  const FOLLOWUP_RE = /^[A-Za-z0-9_-]{32}$/;
  const OPEN_KEY = "reflect.open"; // sessionStorage: the panel stays open across reloads in a tab
  const MAX_CHARS = 5000; // the server refuses longer messages (protocol step 5)
  const WARN_CHARS = 4500; // show the counter from here on
  const TURN_TIMEOUT_MS = 30000; // hide the typing indicator if turn_complete never comes
  const FORGET_TIMEOUT_MS = 15000; // say so if the server never confirms a forget
  const LINK_SCHEMES = ["http:", "https:", "mailto:", "tel:"];
  const POINT_RE = /\bPoint (\d+) of (\d+)\b/;
  // A content pack id: lower-case words joined by hyphens (bot/content/loader.py), as the
  // server's door accepts it in a payload; anything else is not sent at all.
  const PACK_ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  const MAX_PACK_ID_CHARS = 100; // MAX_PACK_ID_LENGTH (bot/storage/models.py)

  /** The hidden greeting: /greet, or /greet{"pack_id":"..."} to start on one briefing. */
  function greetingFor(pack) {
    if (typeof pack === "string" && pack.length <= MAX_PACK_ID_CHARS && PACK_ID_RE.test(pack)) {
      return "/greet" + JSON.stringify({ pack_id: pack });
    }
    return "/greet";
  }

  /**
   * Every word the widget itself shows or reads out, in one place (the bot's own messages come
   * from the server). {title} is data-title; other {names} are filled in by say().
   */
  const TEXT = {
    openChat: "Open {title} chat",
    closeChat: "Close {title} chat",
    conversation: "Conversation with {title}",
    messageLabel: "Message to {title}",
    placeholder: "Type your message",
    waiting: "Waiting for the connection\u2026",
    hint: "Enter to send, Shift+Enter for a new line.",
    send: "Send",
    typing: "{title} is typing\u2026",
    youSaid: "You said: ",
    botSaid: "{title} said: ",
    replyOptions: "Reply options",
    newTab: " (opens in a new tab)",
    progress: "Point {point} of {total}",
    tooLong: "Your message is {length} characters; the limit is {limit}. Please shorten it.",
    charsLeft: "{left} characters left.",
    notSent: "Not sent. {reason}",
    connecting: "Connecting\u2026",
    reconnecting: "Reconnecting\u2026",
    unreachable: "Can't reach {title} yet. Trying again\u2026",
    loadFailed: "The chat could not load. Please reload the page.",
    restored: "Conversation restored.",
    notResumed: "This is a new conversation; the earlier one could not be resumed.",
    notDelivered: "Sorry, that message could not be sent.",
    forget: "Forget this conversation",
    forgetQuestion: "Forget this conversation?",
    forgetExplain:
      "It will be deleted from {title} and from this browser, and cannot be brought back. " +
      "Reflections you saved are kept: they are not linked to this conversation, and you can " +
      "withdraw one with its receipt code.",
    forgetYes: "Yes, forget it",
    forgetCancel: "Cancel",
    forgotten:
      "This conversation has been forgotten: it is deleted from {title} and from this browser. " +
      "Reflections you saved are kept; to withdraw one, start a new conversation and say " +
      "\u201cwithdraw my reflection\u201d.",
    forgottenElsewhere:
      "This conversation was forgotten in another tab or window: it is deleted from {title} " +
      "and from this browser. Reflections you saved are kept; to withdraw one, start a new " +
      "conversation and say \u201cwithdraw my reflection\u201d.",
    notForgotten: "Sorry, the conversation could not be forgotten just now. Please try again.",
    startNew: "Start a new conversation",
    endedPlaceholder: "Start a new conversation to type here",
  };

  const script =
    document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-server]');
  if (!script) {
    return;
  }
  const config = {
    server: script.getAttribute("data-server") || window.location.origin,
    title: script.getAttribute("data-title") || "Reflect",
    inline: script.getAttribute("data-mode") === "inline",
    startOpen: script.getAttribute("data-open") === "true",
    remember: script.getAttribute("data-remember") === "true",
    greeting: greetingFor(script.getAttribute("data-pack")),
    // widget.css and the socket.io client live next to widget.js, wherever it is served from.
    base: new URL(".", script.src || window.location.href).href,
  };

  /** A TEXT entry with {title} and the given values filled in. */
  function say(key, values) {
    const all = Object.assign({ title: config.title }, values || {});
    return TEXT[key].replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(all, name) ? String(all[name]) : whole;
    });
  }

  const uid = "reflect-" + Math.random().toString(36).slice(2, 8);
  let socket = null;
  let ready = false; // connected AND session confirmed: only then may user_uttered be sent
  let everConnected = false;
  let pendingTurns = 0;
  let turnTimer = null;
  let latestGroup = null; // the reply buttons that are usable (the newest bot message with buttons)
  let progressShown = null;
  let replyStart = null; // the first bot message since the user last sent something
  let ended = false; // the session was forgotten: no new one until the user asks for it
  let forgetPending = false; // "Yes, forget it" was sent and not yet answered
  let forgetTimer = null;
  const ui = {};

  // ---------------------------------------------------------------- small DOM helpers

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        const value = attrs[name];
        if (value === null || value === undefined || value === false) {
          return;
        }
        if (name === "text") {
          node.textContent = value;
        } else if (name === "className") {
          node.className = value;
        } else {
          node.setAttribute(name, value === true ? "" : String(value));
        }
      });
    }
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /** Text only screen readers hear (e.g. who said a message). */
  function srOnly(text) {
    return el("span", { className: "reflect-sr", text: text });
  }

  // ---------------------------------------------------------------- storage (may be blocked)

  const memory = {};
  function storageGet(store, key) {
    try {
      return window[store].getItem(key);
    } catch (e) {
      return memory[store + key] || null;
    }
  }
  function storageSet(store, key, value) {
    try {
      if (value === null) {
        window[store].removeItem(key);
      } else {
        window[store].setItem(key, value);
      }
    } catch (e) {
      memory[store + key] = value;
    }
  }

  const TOKEN_STORE = config.remember ? "localStorage" : "sessionStorage";
  function getToken() {
    return storageGet(TOKEN_STORE, STORAGE_KEY);
  }
  function setToken(token) {
    storageSet(TOKEN_STORE, STORAGE_KEY, token);
  }
  /** Wherever a token may be, it goes (after a forget; both, whatever the page opted into). */
  function clearToken() {
    storageSet("localStorage", STORAGE_KEY, null);
    storageSet("sessionStorage", STORAGE_KEY, null);
  }
  if (!config.remember) {
    // Left by an older widget, which kept it for days: never resume from it.
    storageSet("localStorage", STORAGE_KEY, null);
  }

  // ---------------------------------------------------------------- safe Markdown

  /** An <a> for an allowed absolute URL, or null (then the caller keeps the source as text). */
  function safeLink(href, label) {
    let url;
    try {
      url = new URL(href);
    } catch (e) {
      return null; // relative or malformed
    }
    if (LINK_SCHEMES.indexOf(url.protocol) === -1) {
      return null; // javascript:, data:, vbscript:, file: ... stay plain text
    }
    const a = el("a", { href: url.href, className: "reflect-link" });
    if (url.protocol === "http:" || url.protocol === "https:") {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
    if (typeof label === "string") {
      a.textContent = label;
    } else {
      a.appendChild(label);
    }
    if (a.target === "_blank") {
      a.appendChild(srOnly(say("newTab")));
    }
    return a;
  }

  // Order matters: links first (their labels may hold *emphasis*), then bold before italic.
  const INLINE_RE = new RegExp(
    [
      "\\[([^\\]\\n]+)\\]\\(([^)\\s]+)\\)", // 1,2: [label](url)
      "\\*\\*([^\\n]+?)\\*\\*", // 3: **bold**
      "\\*([^\\s*](?:[^*\\n]*[^\\s*])?)\\*", // 4: *italic* (no space just inside the stars)
      "((?:https?://|mailto:)[^\\s<>\"']+)", // 5: bare URL
    ].join("|")
  );

  /** Trailing punctuation belongs to the sentence, not the bare URL ("see https://x.org."). */
  function splitTrailing(url) {
    let trail = "";
    while (/[.,;:!?)\]'"]$/.test(url)) {
      const last = url.slice(-1);
      if (last === ")" && (url.match(/\(/g) || []).length >= (url.match(/\)/g) || []).length) {
        break; // balanced parentheses are part of the URL (Wikipedia style)
      }
      trail = last + trail;
      url = url.slice(0, -1);
    }
    return [url, trail];
  }

  /** Append the inline Markdown of `text` to `parent`; `allowLinks` is false inside a link label. */
  function renderInline(parent, text, allowLinks) {
    let rest = text;
    while (rest) {
      const m = INLINE_RE.exec(rest);
      if (!m) {
        parent.appendChild(document.createTextNode(rest));
        return;
      }
      if (m.index > 0) {
        parent.appendChild(document.createTextNode(rest.slice(0, m.index)));
      }
      let consumed = m[0];
      if (m[1] !== undefined) {
        let link = null;
        if (allowLinks) {
          const label = document.createDocumentFragment();
          renderInline(label, m[1], false);
          link = safeLink(m[2], label);
        }
        parent.appendChild(link || document.createTextNode(m[0]));
      } else if (m[3] !== undefined) {
        const strong = el("strong");
        renderInline(strong, m[3], allowLinks);
        parent.appendChild(strong);
      } else if (m[4] !== undefined) {
        const em = el("em");
        renderInline(em, m[4], allowLinks);
        parent.appendChild(em);
      } else {
        const parts = splitTrailing(m[5]);
        consumed = parts[0];
        parent.appendChild((allowLinks && safeLink(parts[0], parts[0])) || document.createTextNode(parts[0]));
      }
      rest = rest.slice(m.index + consumed.length);
    }
  }

  const QUOTE_RE = /^\s*>\s?(.*)$/;
  const BULLET_RE = /^\s*[-*\u2022]\s+(.*)$/;
  const NUMBER_RE = /^\s*(\d+)[.)]\s+(.*)$/;
  const CONTINUATION_RE = /^\s{2,}\S/;

  /**
   * Markdown blocks: blank lines separate paragraphs; "- " / "* " lines are bullets, "1. " lines a
   * numbered list; an indented line right after a list item continues that item; "> " lines are
   * a quotation (the reflection preview quotes what will be saved); other single newlines are
   * line breaks.
   */
  function renderMarkdown(text, depth) {
    depth = depth || 0;
    const root = document.createDocumentFragment();
    const blocks = String(text).replace(/\r\n?/g, "\n").split(/\n[ \t]*\n/);
    blocks.forEach(function (block) {
      if (!block.trim()) {
        return;
      }
      let para = null;
      let list = null;
      let item = null;
      let quote = null;
      let quoted = [];
      function endQuote() {
        if (quote) {
          quote.appendChild(renderMarkdown(quoted.join("\n"), depth + 1));
          quote = null;
          quoted = [];
        }
      }
      block.split("\n").forEach(function (line) {
        const quoteLine = depth < 3 ? QUOTE_RE.exec(line) : null;
        if (quoteLine) {
          if (!quote) {
            quote = el("blockquote", { className: "reflect-quote" });
            root.appendChild(quote);
          }
          quoted.push(quoteLine[1]);
          para = list = item = null;
          return;
        }
        endQuote();
        const bullet = BULLET_RE.exec(line);
        const number = bullet ? null : NUMBER_RE.exec(line);
        if (bullet || number) {
          const kind = bullet ? "ul" : "ol";
          if (!list || list.tagName.toLowerCase() !== kind) {
            list = el(kind);
            root.appendChild(list);
          }
          item = el("li");
          if (number) {
            // Keep the author's numbers ("4." then "2." when citing key learning points).
            item.value = Number(number[1]);
          }
          renderInline(item, bullet ? bullet[1] : number[2], true);
          list.appendChild(item);
          para = null;
        } else if (item && CONTINUATION_RE.test(line)) {
          item.appendChild(el("br"));
          renderInline(item, line.trim(), true);
        } else {
          list = null;
          item = null;
          if (para) {
            para.appendChild(el("br"));
          } else {
            para = el("p");
            root.appendChild(para);
          }
          renderInline(para, line, true);
        }
      });
      endQuote();
    });
    return root;
  }

  // ---------------------------------------------------------------- building the UI

  function build() {
    const root = el("div", {
      className: "reflect-widget " + (config.inline ? "reflect-widget--inline" : "reflect-widget--panel"),
      "data-state": "closed",
    });

    const inputId = uid + "-input";
    const hintId = uid + "-hint";
    const counterId = uid + "-counter";

    ui.status = el("p", { className: "reflect-status", role: "status", id: uid + "-status" });
    const headerChildren = [
      el("div", { className: "reflect-heading" }, [
        el("h2", { className: "reflect-title", text: config.title }),
        ui.status,
      ]),
    ];
    if (!config.inline) {
      ui.close = el("button", {
        type: "button",
        className: "reflect-close",
        "aria-label": say("closeChat"),
      }, [el("span", { "aria-hidden": "true", text: "\u00d7" })]);
      ui.close.addEventListener("click", function () {
        setOpen(false, true);
      });
      headerChildren.push(ui.close);
    }
    const header = el("div", { className: "reflect-header" }, headerChildren);

    // Progress is NOT a live region: the bot message that says "Point 2 of 4" is already
    // announced by the log, so announcing the indicator too would say it twice.
    ui.progressText = el("span", { className: "reflect-progress-text" });
    ui.progressFill = el("span", { className: "reflect-progress-fill" });
    ui.progress = el("div", { className: "reflect-progress", hidden: true }, [
      ui.progressText,
      el("span", { className: "reflect-progress-bar", "aria-hidden": "true" }, [ui.progressFill]),
    ]);

    // The history of a resumed conversation goes in a child with aria-live="off", so a reload
    // does not read the whole conversation out again; only new messages are announced.
    ui.history = el("div", { className: "reflect-history", "aria-live": "off" });
    ui.log = el("div", {
      className: "reflect-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": say("conversation"),
      // Focusable so keyboard users can scroll it even when it holds no links or buttons.
      tabindex: "0",
    }, [ui.history]);

    ui.typing = el("div", { className: "reflect-typing", hidden: true }, [
      el("span", { className: "reflect-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      el("span", { text: say("typing") }),
    ]);

    ui.input = el("textarea", {
      id: inputId,
      className: "reflect-input",
      rows: "2",
      placeholder: say("placeholder"),
      "aria-describedby": hintId + " " + counterId,
      autocomplete: "off",
    });
    ui.hint = el("p", { id: hintId, className: "reflect-hint", text: say("hint") });
    // The counter is read with the message box (aria-describedby), not announced per keystroke;
    // a refused send is announced once through ui.announcer.
    ui.counter = el("p", { className: "reflect-counter", id: counterId });
    ui.announcer = el("p", { className: "reflect-sr", role: "status" });
    ui.send = el("button", { type: "submit", className: "reflect-send", text: say("send") });
    ui.form = el("form", { className: "reflect-form", novalidate: true }, [
      el("label", { for: inputId, className: "reflect-sr", text: say("messageLabel") }),
      el("div", { className: "reflect-form-row" }, [ui.input, ui.send]),
      el("div", { className: "reflect-form-meta" }, [ui.hint, ui.counter]),
      ui.announcer,
    ]);

    // "Forget this conversation", in two steps so one stray click or keypress cannot do it.
    ui.forget = el("button", { type: "button", className: "reflect-forget", text: say("forget") });
    ui.confirmQuestion = el("p", {
      id: uid + "-confirm-question",
      className: "reflect-confirm-question",
      tabindex: "-1", // focused when the question appears, so it is read out first
      text: say("forgetQuestion"),
    });
    ui.forgetYes = el("button", { type: "button", className: "reflect-confirm-yes", text: say("forgetYes") });
    ui.forgetCancel = el("button", { type: "button", className: "reflect-confirm-cancel", text: say("forgetCancel") });
    ui.confirm = el("div", {
      className: "reflect-confirm",
      role: "group",
      "aria-labelledby": ui.confirmQuestion.id,
      "aria-describedby": uid + "-confirm-text",
      hidden: true,
    }, [
      ui.confirmQuestion,
      el("p", { id: uid + "-confirm-text", className: "reflect-confirm-text", text: say("forgetExplain") }),
      el("div", { className: "reflect-confirm-actions" }, [ui.forgetYes, ui.forgetCancel]),
    ]);
    ui.tools = el("div", { className: "reflect-tools" }, [ui.forget, ui.confirm]);

    ui.panel = el("section", {
      className: "reflect-panel",
      id: uid + "-panel",
      "aria-label": config.title,
    }, [header, ui.progress, ui.log, ui.typing, ui.form, ui.tools]);

    if (!config.inline) {
      ui.launcher = el("button", {
        type: "button",
        className: "reflect-launcher",
        "aria-expanded": "false",
        "aria-controls": ui.panel.id,
      }, [
        el("span", { className: "reflect-launcher-icon", "aria-hidden": "true" }),
        el("span", { text: say("openChat") }),
      ]);
      ui.launcher.addEventListener("click", function () {
        setOpen(true, true);
      });
      ui.panel.hidden = true;
      root.appendChild(ui.panel);
      root.appendChild(ui.launcher);
      root.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && root.getAttribute("data-state") === "open") {
          event.preventDefault();
          setOpen(false, true);
        }
      });
    } else {
      root.appendChild(ui.panel);
    }

    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      sendTyped();
    });
    ui.input.addEventListener("keydown", function (event) {
      // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition is not a send.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        sendTyped();
      }
    });
    ui.input.addEventListener("input", updateCounter);
    ui.forget.addEventListener("click", askToForget);
    ui.forgetCancel.addEventListener("click", function () {
      if (!forgetPending) {
        hideConfirm(true);
      }
    });
    ui.forgetYes.addEventListener("click", confirmForget);
    ui.confirm.addEventListener("keydown", function (event) {
      // Escape steps back out of the question (and must not also close the panel).
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        if (!forgetPending) {
          hideConfirm(true);
        }
      }
    });

    ui.root = root;
    if (!cssLoaded) {
      root.style.visibility = "hidden";
    }
    setReady(false);
    return root;
  }

  function mount() {
    const root = build();
    if (config.inline) {
      script.parentNode.insertBefore(root, script);
      start();
    } else {
      document.body.appendChild(root);
      if (config.startOpen || storageGet("sessionStorage", OPEN_KEY) === "1") {
        setOpen(true, false);
      }
    }
  }

  /** Open or close the panel; `moveFocus` is false when it opens itself on page load. */
  function setOpen(open, moveFocus) {
    if (config.inline) {
      return;
    }
    ui.root.setAttribute("data-state", open ? "open" : "closed");
    ui.panel.hidden = !open;
    ui.launcher.hidden = open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    storageSet("sessionStorage", OPEN_KEY, open ? "1" : null);
    if (open) {
      start();
      scrollToEnd();
      if (moveFocus) {
        ui.input.focus();
      }
    } else if (moveFocus) {
      ui.launcher.focus();
    }
  }

  // ---------------------------------------------------------------- connection state

  function setStatus(text) {
    if (ui.status.textContent !== text) {
      ui.status.textContent = text;
    }
  }

  /**
   * Sending needs a confirmed session. The textarea becomes read-only rather than disabled, and
   * Send gets aria-disabled rather than disabled, so focus is never thrown to <body> when the
   * connection drops while someone is typing.
   */
  function setReady(value) {
    ready = value;
    ui.input.readOnly = !value;
    ui.input.setAttribute("aria-disabled", String(!value));
    ui.input.placeholder = say(value ? "placeholder" : ended ? "endedPlaceholder" : "waiting");
    updateCounter();
    refreshButtons();
  }

  function updateCounter() {
    // Count code points, as the server does, not UTF-16 units.
    const length = Array.from(ui.input.value).length;
    const over = length > MAX_CHARS;
    let text = "";
    if (over) {
      text = say("tooLong", {
        length: length.toLocaleString("en-GB"),
        limit: MAX_CHARS.toLocaleString("en-GB"),
      });
    } else if (length >= WARN_CHARS) {
      text = say("charsLeft", { left: (MAX_CHARS - length).toLocaleString("en-GB") });
    }
    if (ui.counter.textContent !== text) {
      ui.counter.textContent = text;
    }
    ui.counter.classList.toggle("reflect-counter--over", over);
    ui.input.setAttribute("aria-invalid", String(over));
    const blocked = !ready || over;
    ui.send.setAttribute("aria-disabled", String(blocked));
  }

  // ---------------------------------------------------------------- messages

  function scrollToEnd() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  /**
   * Show a new bot message. When the reply so far (from its first message) is taller than the
   * log, scroll to the reply's start rather than its end, so reading begins at the beginning.
   */
  function reveal(node) {
    const log = ui.log;
    const first = replyStart && replyStart.parentNode ? replyStart : node;
    const height = node.offsetTop + node.offsetHeight - first.offsetTop;
    if (height > log.clientHeight) {
      log.scrollTop = first.offsetTop - 8;
    } else {
      scrollToEnd();
    }
  }

  /**
   * A message bubble. Rasa sends a bot text as one message per paragraph, so consecutive bot
   * bubbles are drawn as one group, and only the first says (to screen readers) who is speaking.
   */
  function bubble(sender, container) {
    const previous = container.lastElementChild;
    const continues = sender === "bot" && previous && previous.classList.contains("reflect-msg--bot");
    const node = el("div", {
      className: "reflect-msg reflect-msg--" + sender + (continues ? " reflect-msg--cont" : ""),
    });
    if (!continues) {
      node.appendChild(srOnly(say(sender === "user" ? "youSaid" : "botSaid")));
    }
    container.appendChild(node);
    return node;
  }

  function addUserMessage(text, container) {
    const node = bubble("user", container || ui.log);
    // User text is shown as typed (plain text, line breaks kept by CSS), never as Markdown.
    node.appendChild(el("p", { className: "reflect-plain", text: text }));
    return node;
  }

  function addBotMessage(message, container) {
    const node = bubble("bot", container || ui.log);
    const body = el("div", { className: "reflect-body" });
    body.appendChild(renderMarkdown(message.text || ""));
    node.appendChild(body);
    let buttons = message.quick_replies || message.buttons || [];
    buttons = buttons.filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    });
    if (buttons.length) {
      const group = el("div", { className: "reflect-buttons", role: "group", "aria-label": say("replyOptions") });
      buttons.forEach(function (b) {
        const button = el("button", { type: "button", className: "reflect-button", text: b.title });
        button.addEventListener("click", function () {
          if (button.disabled || group !== latestGroup || pendingTurns > 0 || !ready) {
            return;
          }
          addUserMessage(b.title);
          emitUserMessage(b.payload);
          // Focus would otherwise fall to <body> when the buttons are disabled below.
          ui.input.focus();
          refreshButtons();
          scrollToEnd();
        });
        group.appendChild(button);
      });
      node.appendChild(group);
      latestGroup = group;
    }
    const match = POINT_RE.exec(message.text || "");
    if (match) {
      setProgress(Number(match[1]), Number(match[2]));
    }
    refreshButtons();
    return node;
  }

  /**
   * Only the newest set of reply buttons is usable, and not while a reply is pending or the
   * socket is down; older sets stay visible (what was offered is part of the conversation) but are
   * disabled, because e.g. an old "Save" no longer refers to anything.
   */
  function refreshButtons() {
    const groups = ui.log.querySelectorAll(".reflect-buttons");
    const active = document.activeElement;
    for (let i = 0; i < groups.length; i++) {
      const usable = groups[i] === latestGroup && ready && pendingTurns === 0;
      const buttons = groups[i].querySelectorAll("button");
      if (!usable && groups[i].contains(active)) {
        ui.input.focus();
      }
      for (let j = 0; j < buttons.length; j++) {
        buttons[j].disabled = !usable;
      }
      groups[i].classList.toggle("reflect-buttons--stale", groups[i] !== latestGroup);
    }
  }

  function addNotice(text) {
    const node = el("p", { className: "reflect-notice", text: text });
    ui.log.appendChild(node);
    scrollToEnd();
  }

  function setProgress(point, total) {
    if (!(point >= 1 && total >= 1 && point <= total)) {
      return;
    }
    const key = point + "/" + total;
    if (progressShown === key) {
      return;
    }
    progressShown = key;
    ui.progress.hidden = false;
    ui.progressText.textContent = say("progress", { point: point, total: total });
    ui.progressFill.style.width = Math.round((point / total) * 100) + "%";
  }

  function clearConversation() {
    const focusInside = ui.log.contains(document.activeElement);
    while (ui.history.firstChild) {
      ui.history.removeChild(ui.history.firstChild);
    }
    Array.prototype.slice.call(ui.log.childNodes).forEach(function (node) {
      if (node !== ui.history) {
        ui.log.removeChild(node);
      }
    });
    latestGroup = null;
    progressShown = null;
    ui.progress.hidden = true;
    if (focusInside) {
      ui.input.focus();
    }
  }

  /** A resumed conversation, as the server keeps it (protocol step 4). */
  function renderHistory(messages) {
    clearConversation();
    let lastButtons = [];
    messages.forEach(function (m) {
      if (!m || typeof m.text !== "string") {
        return;
      }
      if (m.sender === "user") {
        let text = m.text;
        if (text.charAt(0) === "/") {
          // A payload: show the title of the button that sent it, hide /greet and the like.
          const match = lastButtons.filter(function (b) {
            return b.payload === text;
          })[0];
          if (!match) {
            return;
          }
          text = match.title;
        }
        addUserMessage(text, ui.history);
      } else {
        addBotMessage({ text: m.text, buttons: m.buttons || [] }, ui.history);
        if (m.buttons && m.buttons.length) {
          lastButtons = m.buttons;
        }
      }
    });
    if (messages.length) {
      setStatus(say("restored"));
    }
    refreshButtons();
    scrollToEnd();
  }

  // ---------------------------------------------------------------- forgetting the conversation

  function askToForget() {
    ui.forget.hidden = true;
    ui.confirm.hidden = false;
    ui.confirmQuestion.focus();
  }

  /** Back from the question to the control; `moveFocus` unless the question is going away. */
  function hideConfirm(moveFocus) {
    const focusInside = ui.confirm.contains(document.activeElement);
    ui.confirm.hidden = true;
    ui.forget.hidden = false;
    setForgetPending(false);
    if (moveFocus || focusInside) {
      ui.forget.focus();
    }
  }

  function setForgetPending(value) {
    forgetPending = value;
    clearTimeout(forgetTimer);
    ui.forgetYes.setAttribute("aria-disabled", String(value));
    ui.forgetCancel.setAttribute("aria-disabled", String(value));
    if (value) {
      forgetTimer = setTimeout(function () {
        hideConfirm(false);
        addNotice(say("notForgotten"));
      }, FORGET_TIMEOUT_MS);
    }
  }

  /** "Yes, forget it": the server revokes the token, deletes the conversation, then ends it. */
  function confirmForget() {
    if (forgetPending) {
      return;
    }
    if (!ready) {
      ui.announcer.textContent = "";
      ui.announcer.textContent = say("waiting");
      return;
    }
    setForgetPending(true);
    socket.emit("forget", { session_id: getToken() });
  }

  /**
   * The session has ended (forgotten here or in another tab): nothing of it stays on screen or
   * in storage, and a new conversation starts only when the user asks for one.
   */
  function endSession(here) {
    const focusInside = ui.root.contains(document.activeElement);
    ended = true;
    clearToken();
    hideConfirm(false);
    turnsDone();
    clearConversation();
    setReady(false);
    setStatus("");
    ui.tools.hidden = true;
    const start = el("button", { type: "button", className: "reflect-button reflect-start", text: say("startNew") });
    start.addEventListener("click", startNewConversation);
    ui.log.appendChild(el("div", { className: "reflect-ended" }, [
      el("p", { text: say(here ? "forgotten" : "forgottenElsewhere") }),
      start,
    ]));
    scrollToEnd();
    if (here || focusInside) {
      start.focus();
    }
  }

  function startNewConversation() {
    if (!ended) {
      return;
    }
    ended = false;
    ui.tools.hidden = false;
    clearConversation();
    ui.input.focus();
    setReady(false);
    if (socket && socket.connected) {
      setStatus(say("connecting"));
      requestSession();
    }
  }

  // ---------------------------------------------------------------- the typing indicator

  function turnStarted() {
    pendingTurns += 1;
    ui.typing.hidden = false;
    clearTimeout(turnTimer);
    turnTimer = setTimeout(turnsDone, TURN_TIMEOUT_MS);
    refreshButtons();
  }

  function turnEnded() {
    pendingTurns = Math.max(0, pendingTurns - 1);
    if (pendingTurns === 0) {
      turnsDone();
    }
  }

  function turnsDone() {
    pendingTurns = 0;
    clearTimeout(turnTimer);
    ui.typing.hidden = true;
    refreshButtons();
  }

  // ---------------------------------------------------------------- socket.io

  function emitUserMessage(text) {
    replyStart = null;
    const data = { message: text, session_id: getToken() };
    const followup = storageGet("localStorage", FOLLOWUP_KEY);
    if (followup && FOLLOWUP_RE.test(followup)) {
      data.followup = followup; // so the bot can ask, or stop, this browser's follow-up
    }
    socket.emit("user_uttered", data);
    turnStarted();
  }

  /** A custom payload: only the follow-up token is understood; anything else is ignored. */
  function takeCustom(custom) {
    if (!custom || typeof custom !== "object") {
      return;
    }
    const token = custom.reflect_followup_token;
    if (typeof token === "string" && FOLLOWUP_RE.test(token)) {
      storageSet("localStorage", FOLLOWUP_KEY, token);
    } else if (custom.reflect_followup_forget === true) {
      storageSet("localStorage", FOLLOWUP_KEY, null);
    }
  }

  function sendTyped() {
    let text = ui.input.value.trim();
    if (!text || !ready) {
      return;
    }
    if (Array.from(text).length > MAX_CHARS) {
      updateCounter();
      ui.announcer.textContent = "";
      ui.announcer.textContent = say("notSent", { reason: ui.counter.textContent });
      ui.input.focus();
      return;
    }
    addUserMessage(text);
    emitUserMessage(text);
    ui.input.value = "";
    updateCounter();
    scrollToEnd();
    ui.input.focus();
  }

  function loadScript(src, done, failed) {
    const tag = document.createElement("script");
    tag.src = src;
    tag.async = true;
    tag.onload = done;
    tag.onerror = failed;
    document.head.appendChild(tag);
  }

  let started = false;
  /** Connect on first open (or at once inline): a page view alone starts no conversation. */
  function start() {
    if (started) {
      return;
    }
    started = true;
    setStatus(say("connecting"));
    if (typeof window.io === "function") {
      connect();
      return;
    }
    loadScript(config.base + "vendor/socket.io.min.js", connect, function () {
      setStatus(say("loadFailed"));
    });
  }

  function requestSession() {
    socket.emit("session_request", { session_id: getToken() });
  }

  function connect() {
    socket = window.io(config.server, {
      path: "/socket.io",
      // WebSocket first (no sticky sessions needed); fall back to long-polling behind proxies
      // that block it.
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelayMax: 10000,
    });

    socket.on("connect", function () {
      if (ended) {
        setStatus(""); // a forgotten session: the next one starts when the user asks
        return;
      }
      // Every (re)connection is a new socket on the server: bind it to our session again.
      setStatus(say(everConnected ? "reconnecting" : "connecting"));
      requestSession();
    });

    socket.on("session_confirm", function (data) {
      data = data || {};
      const hadConversation = ui.log.querySelector(".reflect-msg") !== null;
      if (typeof data.session_id === "string" && data.session_id) {
        setToken(data.session_id);
      }
      everConnected = true;
      turnsDone(); // a reply lost with the old socket will not come now
      setReady(true);
      setStatus("");
      if (!data.resumed) {
        // A new conversation (first visit, or the old session expired or was not accepted).
        clearConversation();
        if (hadConversation) {
          addNotice(say("notResumed"));
        }
        // The greeting: sent as /greet (with the data-pack briefing, if any), not shown.
        emitUserMessage(config.greeting);
      }
    });

    socket.on("history", function (data) {
      renderHistory((data && Array.isArray(data.messages) && data.messages) || []);
    });

    socket.on("bot_uttered", function (message) {
      if (!message || typeof message !== "object") {
        return;
      }
      if (typeof message.text !== "string" || !message.text) {
        takeCustom(message.custom); // images and attachments are not part of Reflect
        return;
      }
      if (ui.status.textContent === say("restored")) {
        setStatus("");
      }
      const node = addBotMessage(message);
      replyStart = replyStart || node;
      reveal(node);
    });

    socket.on("turn_complete", turnEnded);

    // Forgotten, from this tab or another one of the same session (protocol step 9).
    socket.on("session_ended", function () {
      endSession(forgetPending);
    });

    // Refused input. The server follows it with turn_complete, which ends the typing indicator.
    socket.on("error", function (data) {
      let text = data && typeof data.message === "string" && data.message
        ? data.message
        : say("notDelivered");
      if (forgetPending) {
        hideConfirm(true); // the forget failed; the conversation is still here to try again
      }
      addNotice(text);
    });

    socket.on("disconnect", function (reason) {
      setReady(false);
      turnsDone();
      if (reason === "io server disconnect") {
        socket.connect(); // the server closed us on purpose; socket.io does not retry that itself
      }
      setStatus(say("reconnecting"));
    });

    socket.on("connect_error", function () {
      setReady(false);
      setStatus(say(everConnected ? "reconnecting" : "unreachable"));
      if (!socket.active) {
        // Refused by the server (not a network error): socket.io gives up, so retry slowly.
        setTimeout(function () {
          socket.connect();
        }, 10000);
      }
    });
  }

  // widget.css sits next to widget.js. The widget stays invisible until it has loaded, so the
  // launcher never flashes up unstyled (and shows anyway if the stylesheet fails).
  let cssLoaded = false;
  const css = el("link", { rel: "stylesheet", href: config.base + "widget.css", "data-reflect-widget": "true" });
  css.onload = css.onerror = function () {
    cssLoaded = true;
    if (ui.root) {
      ui.root.style.visibility = "";
    }
  };
  document.head.appendChild(css);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }

})();
