/**
 * The row of tabs both UIs put over their main panel (styles in base.css). A tab may carry a count
 * (unread messages), shown only when there is something to count.
 */
export interface TabBarTab<Id extends string> {
  id: Id;
  label: string;
  count?: number | undefined;
}

export interface TabBarProps<Id extends string> {
  tabs: ReadonlyArray<TabBarTab<Id>>;
  active: Id;
  onSelect: (id: Id) => void;
}

export function TabBar<Id extends string>({ tabs, active, onSelect }: TabBarProps<Id>) {
  return (
    <div class="tabs" role="tablist">
      {tabs.map(({ id, label, count }) => (
        <button
          type="button"
          role="tab"
          key={id}
          class={`tab${active === id ? " active" : ""}`}
          aria-selected={active === id}
          data-testid={`tab-${id}`}
          onClick={() => onSelect(id)}
        >
          {label}
          {count !== undefined && count > 0 && <span class="count">{count}</span>}
        </button>
      ))}
    </div>
  );
}
