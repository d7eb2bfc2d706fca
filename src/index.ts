import { run } from './main.js';
import { post } from './action/post.js';
import { isPost, markMainStarted } from './action/state.js';

// One bundle for both steps (as actions/checkout does): the main step marks its state, and
// the runner hands that state back to the post step.
if (isPost()) {
  await post();
} else {
  markMainStarted();
  await run();
}
