// In-app links: a click switches the view without reloading (the href stays for a new tab).

export type Go = (path: string) => void;

export function follow(go: Go, to: string): (e: MouseEvent) => void {
  return (e) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    go(to);
  };
}
