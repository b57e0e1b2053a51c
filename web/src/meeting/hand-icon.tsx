/** A raised hand, drawn (emoji fonts are missing on some systems), named for screen readers. */
export function HandIcon({ label, size = 18 }: { label: string; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      role="img"
      aria-label={label}
      fill="#fab005"
      stroke="#7a5a00"
      strokeWidth="1.2"
      strokeLinejoin="round"
    >
      <path d="M7 11V5.5a1.5 1.5 0 0 1 3 0V10V4a1.5 1.5 0 0 1 3 0v6V5a1.5 1.5 0 0 1 3 0v6.5V8a1.5 1.5 0 0 1 3 0v7a7 7 0 0 1-7 7h-1a7 7 0 0 1-5.6-2.8L3.2 15.6a1.6 1.6 0 0 1 2.5-2L7 15z" />
    </svg>
  );
}
