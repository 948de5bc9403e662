import './components/tokens.css';
import './components/changeKinds.css';
import './app.css';
import './shell/Head.css';
import { useState } from 'react';
import type { CSSProperties } from 'react';
import { PaneSplitter } from './components/PaneSplitter';
import { Banners } from './shell/Banners';
import { CentrePane } from './shell/CentrePane';
import { LeftPane } from './shell/LeftPane';
import { RulesPane } from './shell/RulesPane';
import { TopBar } from './shell/TopBar';

/** The page: actions on top, studies on the left, the instance in the centre, the rules on the right. */
export function App() {
  // The studies panel's width once the person has moved the splitter (the layout's own before).
  const [leftWidth, setLeftWidth] = useState<number | undefined>(undefined);
  const style =
    leftWidth === undefined
      ? undefined
      : ({ '--app-left-width': `${leftWidth}px` } as CSSProperties);
  return (
    <div className="app-app">
      <div className="app-head">
        <TopBar />
        <Banners />
      </div>
      <main className="app-main" style={style}>
        <LeftPane />
        <PaneSplitter
          label="Resize the studies panel"
          width={leftWidth}
          min={240}
          max={Math.max(480, Math.round(window.innerWidth * 0.6))}
          onResize={setLeftWidth}
        />
        <CentrePane />
        <aside className="app-right" aria-label="Rules">
          <RulesPane />
        </aside>
      </main>
    </div>
  );
}
