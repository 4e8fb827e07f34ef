interface Props {
  label: string;
  active: boolean;
  disabled: boolean;
  testId: string;
  onClick: () => void;
}

export function NavButton({ label, active, disabled, testId, onClick }: Props) {
  return (
    <button
      type="button"
      className={`nav-button ${active ? 'nav-button-active' : ''}`}
      aria-current={active ? 'page' : undefined}
      onClick={onClick}
      disabled={disabled}
      data-testid={testId}
    >
      {label}
    </button>
  );
}
