import './components/tokens.css';
import './components/changeKinds.css';
import './app.css';
import './shell/Head.css';
import { Banners } from './shell/Banners';
import { CentrePane } from './shell/CentrePane';
import { LeftPane } from './shell/LeftPane';
import { RulesPane } from './shell/RulesPane';
import { TopBar } from './shell/TopBar';

/** The page: actions on top, studies on the left, the instance in the centre, the rules on the right. */
export function App() {
  return (
    <div className="app-app">
      <div className="app-head">
        <TopBar />
        <Banners />
      </div>
      <main className="app-main">
        <LeftPane />
        <CentrePane />
        <aside className="app-right" aria-label="Rules">
          <RulesPane />
        </aside>
      </main>
    </div>
  );
}
