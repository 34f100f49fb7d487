# question: q6
# mistake: returns predicted classes (0 or 1) instead of probabilities: the ranking is lost
def fit_and_predict(X_train, t_train, X_val, t_val, X_test):
    model = xgb.XGBClassifier(n_estimators=2000, max_depth=3, learning_rate=0.05, subsample=0.7,
                              colsample_bytree=0.2, early_stopping_rounds=100, n_jobs=1,
                              random_state=0)
    model.fit(X_train, t_train, eval_set=[(X_val, t_val)], verbose=False)
    return model.predict(X_test).astype(float)
