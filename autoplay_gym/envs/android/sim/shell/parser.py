"""Tokenizer and parser for the subset of mksh (/system/bin/sh) that adb clients send.

Covers what the clients in the reference use: quoting, `;`/`&&`/`||`/`|`, redirections (`>`, `>>`, `<`,
`2>&1`), `$?`/`$VAR`/`$(...)`, globs, `!` and `if ... then ... else ... fi`. Anything else is a syntax error
with a message, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RESERVED = {"if", "then", "elif", "else", "fi", "!"}
_OPERATORS = ("&&", "||", ">>", ">&", "<&", ";", "&", "|", ">", "<", "(", ")", "\n")


class ShellSyntaxError(Exception):
    """Raised for input the simulated shell cannot parse; the message follows mksh's wording."""


@dataclass(frozen=True)
class Part:
    """A piece of a word: `kind` is 'lit' (single-quoted), 'dq' (double-quoted) or 'bare' (unquoted)."""

    text: str
    kind: str


@dataclass
class Word:
    parts: list[Part]

    def plain(self) -> str | None:
        """The word's text when it is one unquoted literal (used to spot reserved words)."""
        if len(self.parts) == 1 and self.parts[0].kind == "bare":
            return self.parts[0].text
        return None


@dataclass(frozen=True)
class Op:
    text: str


@dataclass
class Redirect:
    fd: int
    op: str  # '>', '>>', '<', '>&'
    target: Word


@dataclass
class Simple:
    words: list[Word] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Pipeline:
    commands: list[object]  # Simple | If
    negate: bool = False


@dataclass
class AndOr:
    first: Pipeline
    rest: list[tuple[str, Pipeline]] = field(default_factory=list)


@dataclass
class Script:
    items: list[AndOr] = field(default_factory=list)


@dataclass
class If:
    branches: list[tuple[Script, Script]]
    otherwise: Script | None = None


def tokenize(source: str) -> list[Word | Op]:
    """Split shell source into words and operators, keeping quoting information for later expansion."""
    tokens: list[Word | Op] = []
    parts: list[Part] = []
    buf: list[str] = []
    i, n = 0, len(source)

    def flush_bare() -> None:
        if buf:
            parts.append(Part("".join(buf), "bare"))
            buf.clear()

    def end_word() -> None:
        flush_bare()
        if parts:
            tokens.append(Word(list(parts)))
            parts.clear()

    while i < n:
        ch = source[i]
        if ch == "#" and not buf and not parts:
            while i < n and source[i] != "\n":
                i += 1
            continue
        if ch in " \t":
            end_word()
            i += 1
        elif ch == "'":
            close = source.find("'", i + 1)
            if close < 0:
                raise ShellSyntaxError("no closing quote")
            flush_bare()
            parts.append(Part(source[i + 1:close], "lit"))
            i = close + 1
        elif ch == '"':
            text, i = _read_double_quoted(source, i + 1)
            flush_bare()
            parts.append(Part(text, "dq"))
        elif ch == "\\":
            if i + 1 < n and source[i + 1] == "\n":
                i += 2
                continue
            flush_bare()
            parts.append(Part(source[i + 1:i + 2], "lit"))
            i += 2
        elif ch == "$" and i + 1 < n and source[i + 1] == "(":
            close = _matching_paren(source, i + 1)
            buf.append(source[i:close + 1])
            i = close + 1
        elif ch == "`":
            close = source.find("`", i + 1)
            if close < 0:
                raise ShellSyntaxError("no closing quote")
            buf.append("$(" + source[i + 1:close] + ")")
            i = close + 1
        elif ch.isdigit() and not buf and not parts and i + 1 < n and source[i + 1] in "<>":
            end_word()
            op = ">>" if source.startswith(">>", i + 1) else (source[i + 1] + "&" if source.startswith("&", i + 2)
                                                               else source[i + 1])
            tokens.append(Op(ch + op))
            i += 1 + len(op)
        else:
            op = next((o for o in _OPERATORS if source.startswith(o, i)), None)
            if op is None:
                buf.append(ch)
                i += 1
            else:
                end_word()
                tokens.append(Op(op))
                i += len(op)
    end_word()
    return tokens


def _read_double_quoted(source: str, i: int) -> tuple[str, int]:
    out: list[str] = []
    while i < len(source):
        ch = source[i]
        if ch == '"':
            return "".join(out), i + 1
        if ch == "\\" and i + 1 < len(source) and source[i + 1] in '"\\$`\n':
            if source[i + 1] != "\n":
                out.append("\\" + source[i + 1] if source[i + 1] == "$" else source[i + 1])
            i += 2
            continue
        if ch == "$" and i + 1 < len(source) and source[i + 1] == "(":
            close = _matching_paren(source, i + 1)
            out.append(source[i:close + 1])
            i = close + 1
            continue
        out.append(ch)
        i += 1
    raise ShellSyntaxError("no closing quote")


def _matching_paren(source: str, open_index: int) -> int:
    depth = 0
    quote = ""
    for j in range(open_index, len(source)):
        ch = source[j]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return j
    raise ShellSyntaxError("unmatched '('")


class Parser:
    """Recursive-descent parser over the token list."""

    def __init__(self, tokens: list[Word | Op]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Word | Op | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _is_op(self, *texts: str) -> bool:
        tok = self.peek()
        return isinstance(tok, Op) and tok.text in texts

    def _is_word(self, *texts: str) -> bool:
        tok = self.peek()
        return isinstance(tok, Word) and tok.plain() in texts

    def parse_script(self, terminators: tuple[str, ...] = ()) -> Script:
        script = Script()
        while True:
            while self._is_op(";", "\n", "&"):
                self.pos += 1
            tok = self.peek()
            if tok is None or (isinstance(tok, Word) and tok.plain() in terminators):
                return script
            if isinstance(tok, Op) and tok.text not in ("(",):
                raise ShellSyntaxError(f"unexpected '{tok.text.strip() or 'newline'}'")
            script.items.append(self.parse_and_or(terminators))
            if not self._is_op(";", "\n", "&") and self.peek() is not None and not self._is_word(*terminators):
                tok = self.peek()
                raise ShellSyntaxError(f"unexpected '{tok.text if isinstance(tok, Op) else tok.plain()}'")

    def parse_and_or(self, terminators: tuple[str, ...]) -> AndOr:
        node = AndOr(self.parse_pipeline(terminators))
        while self._is_op("&&", "||"):
            op = self.peek().text  # type: ignore[union-attr]
            self.pos += 1
            while self._is_op("\n"):
                self.pos += 1
            node.rest.append((op, self.parse_pipeline(terminators)))
        return node

    def parse_pipeline(self, terminators: tuple[str, ...]) -> Pipeline:
        negate = False
        if self._is_word("!"):
            negate = True
            self.pos += 1
        commands = [self.parse_command(terminators)]
        while self._is_op("|"):
            self.pos += 1
            commands.append(self.parse_command(terminators))
        return Pipeline(commands, negate)

    def parse_command(self, terminators: tuple[str, ...]) -> object:
        if self._is_word("if"):
            return self.parse_if()
        if self._is_op("("):
            raise ShellSyntaxError("subshells '(' are not supported by the simulated shell")
        simple = Simple()
        while True:
            tok = self.peek()
            if isinstance(tok, Word):
                if not simple.words and tok.plain() in RESERVED | set(terminators):
                    raise ShellSyntaxError(f"unexpected '{tok.plain()}'")
                simple.words.append(tok)
                self.pos += 1
            elif isinstance(tok, Op) and tok.text.lstrip("0123456789") in (">", ">>", "<", ">&", "<&"):
                self.pos += 1
                target = self.peek()
                if not isinstance(target, Word):
                    raise ShellSyntaxError("unexpected 'newline'")
                self.pos += 1
                digits = tok.text[: len(tok.text) - len(tok.text.lstrip("0123456789"))]
                op = tok.text[len(digits):]
                fd = int(digits) if digits else (0 if op.startswith("<") else 1)
                simple.redirects.append(Redirect(fd, op, target))
            else:
                break
        if not simple.words and not simple.redirects:
            tok = self.peek()
            raise ShellSyntaxError(f"unexpected '{tok.text if isinstance(tok, Op) else 'newline'}'")
        return simple

    def parse_if(self) -> If:
        self.pos += 1  # 'if'
        branches: list[tuple[Script, Script]] = []
        condition = self.parse_script(("then",))
        self._expect("then")
        body = self.parse_script(("elif", "else", "fi"))
        branches.append((condition, body))
        otherwise = None
        while True:
            if self._is_word("elif"):
                self.pos += 1
                condition = self.parse_script(("then",))
                self._expect("then")
                branches.append((condition, self.parse_script(("elif", "else", "fi"))))
            elif self._is_word("else"):
                self.pos += 1
                otherwise = self.parse_script(("fi",))
            else:
                self._expect("fi")
                return If(branches, otherwise)

    def _expect(self, word: str) -> None:
        if not self._is_word(word):
            tok = self.peek()
            if tok is None:
                raise ShellSyntaxError("unmatched 'if'")
            found = tok.text if isinstance(tok, Op) else tok.plain() or "word"
            raise ShellSyntaxError(f"unexpected '{found}'")
        self.pos += 1


def parse(source: str) -> Script:
    """Parse a whole `sh -c` string."""
    parser = Parser(tokenize(source))
    script = parser.parse_script()
    if parser.peek() is not None:
        tok = parser.peek()
        raise ShellSyntaxError(f"unexpected '{tok.text if isinstance(tok, Op) else tok.plain()}'")
    return script
